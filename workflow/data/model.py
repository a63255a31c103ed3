"""The agreement data model: what ``agreement.yaml`` holds, and the figures derived from it.

Each dataclass is a section of the file. A field typed ``X | None`` with no default is a fact that
may not be known yet: the key must be present, it may be left empty, and documents then show a
visible placeholder. A field with a default may be left out. Derived figures are properties, computed
here once from one source of truth; templates only place them.
"""

from __future__ import annotations

import calendar
import dataclasses
import typing
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal, TypeVar

from workflow import i18n
from workflow.data.formatting import bilangan, nama_bulan
from workflow.data.schema import field, strip_optional
from workflow.i18n import _

Check = list[tuple[str, str]]
_T = TypeVar("_T")
"""Cross-field problems of one record: (relative field path, message)."""

TITLES = ("KESEPAKATAN BERSAMA", "NOTA KESEPAHAMAN", "NOTA KESEPAKATAN")
Day = date
"""``datetime.date`` under a second name, for a field declared after a field called ``date`` in the same class."""

DEFAULT_PROCESS = "ksdpk"
"""The process an agreement follows when it names none."""
MAX_TERM_YEARS = 5  # Permendagri 22/2020 via Yogya FAQ: "paling lama 5 (lima) tahun" (DOMAIN.md §2)


@dataclass(frozen=True)
class Identifier:
    """An official's staff number: NIP for civil servants, NPK for BPJS staff."""

    kind: Literal["NIP", "NPK"] = field("NIP (civil servant, e.g. 19690806 199603 1 003) or NPK (BPJS)")
    number: str | None = field("the number itself, as text", label="{kind} {owner}")


@dataclass(frozen=True)
class Official:
    """A person who acts or signs in a document.

    The name is written once, with the degrees as the person writes them: 'Dr. H. La Ode Fulan,
    S.STP., M.Si.'. Documents take it apart by rule (``workflow.data.formatting.pisah_gelar``): the
    degrees after the name are what follows its first comma (a name has no comma), the titles before
    it are the leading words of a closed list (Dr., H., Ir., ...). One string rather than three
    fields, because every file written so far already holds names that way and the split is exact
    where it matters (a Keputusan drops the degrees; a letter keeps 'M.Si.' as written, never 'M.SI.').
    """

    name: str | None = field(
        "full name with degrees as the person writes them, e.g. 'Dr. H. La Ode Fulan, S.STP., M.Si.' "
        "(degrees after the name follow a comma)",
        label="NAMA {owner}",
    )
    position: str = field("position (jabatan), e.g. 'Bupati Buton'")
    id: Identifier | None = field("NIP or NPK; leave out for elected officials such as a Bupati", default=None)
    rank: str | None = field(
        "pangkat/golongan of a civil servant, e.g. 'Pembina Utama Muda (IV/c)'; printed above the NIP under a signature",
        default=None,
    )

    def problems(self) -> Check:
        """Degrees after a comma, when there is one."""
        if self.name is not None and self.name.rstrip().endswith(","):
            message = _("{name} ends with a comma, expected the degrees after it, e.g. 'La Ode Fulan, S.Sos.'")
            return [("name", message.format(name=repr(self.name)))]
        return []


@dataclass(frozen=True)
class Party:
    """One side of the agreement."""

    name: str = field("full legal name, e.g. 'Pemerintah Kabupaten Buton'")
    short_name: str = field("name used in running text, e.g. 'BPJS Ketenagakerjaan'")
    address: str | None = field("seat and address (berkedudukan di ...)", label="ALAMAT {owner}")
    nomor: str | None = field("this party's number of the agreement", label="NOMOR {owner}")
    representative: Official = field("who signs for this party")
    appointment: str | None = field(
        "basis of the representative's appointment, e.g. 'Keputusan Direksi BPJS Ketenagakerjaan Nomor ...'",
        label="DASAR PENGANGKATAN {owner}",
    )
    logo: str | None = field(
        "this party's logo (PNG or JPEG) in the title block of the KB, PKS and adendum, and the Pemda's in the kop "
        "instansi of its units' letters: a path relative to the agreement's folder, else to the templates folder "
        "(MOU_TEMPLATES); left out: logo-pemda.png / logo-mitra.png of the templates folder, else a placeholder "
        "marked CONTOH LOGO. Never the Garuda (DOCUMENTS.md §1.3)",
        default=None,
    )
    phone: str | None = field("telephone in the kop instansi, e.g. '(0402) 2821001'; left out: not printed", default=None)
    email: str | None = field("e-mail address in the kop instansi; left out: not printed", default=None)
    website: str | None = field("website in the kop instansi, e.g. 'butonkab.go.id'; left out: not printed", default=None)

    @property
    def logo_picture(self) -> str:
        """The logo as a render places it in a document whose catalogue needs list ``logos``; the data alone give none."""
        return ""

    @property
    def contacts(self) -> str:
        """The kop instansi's contact line: 'Telepon ... Pos-el ... Laman ...' of what is given, else empty."""
        parts = [f"{k} {v}" for k, v in (("Telepon", self.phone), ("Pos-el", self.email), ("Laman", self.website)) if v]
        return "   ".join(parts)


RENDERED_NEEDS = {
    "logos": "the parties' logos, which a render places (parties.<side>.logo_picture) from parties.<side>.logo",
    "participants": "the participant list in force (participants/), which a render of the PKS puts in Lampiran I",
}
"""What a catalogue document may list under ``needs`` besides sections of agreement.yaml: data a render adds
(``workflow.commands.render.document_values``)."""


@dataclass(frozen=True)
class Parties:
    """The regional government (PIHAK KESATU) and its partner (PIHAK KEDUA)."""

    pemda: Party = field("the regional government, PIHAK KESATU")
    partner: Party = field("the partner, PIHAK KEDUA")


@dataclass(frozen=True)
class DocumentInfo:
    """How the agreement document is titled and laid out."""

    title: Literal["KESEPAKATAN BERSAMA", "NOTA KESEPAHAMAN", "NOTA KESEPAKATAN"] = field(
        "document title; KESEPAKATAN BERSAMA is the legal name (PP 28/2018)"
    )
    subject: str = field("what it is about, as running text; the title block prints it in capitals")
    party_labels: Literal["KESATU", "PERTAMA"] = field("PIHAK KESATU or PIHAK PERTAMA convention")
    copies: int = field("number of original copies (rangkap)", lo=1, hi=10)
    meterai: int = field("stamp duty in rupiah (UU 10/2020: 10000)", lo=0, hi=1_000_000)
    meterai_by: Literal["partner", "pemda", "both"] = field(
        "who signs over the meterai: the partner (DOMAIN.md §4.1), the pemda, or both (each party on the original "
        "handed to the other, Permenhan 29/2013); drafts mark the place, the final text does not",
        default="partner",
    )
    names: NameStyle = field("how signers' names are printed (Permendagri 1/2023 Pasal 44)", default_factory=lambda: NameStyle())

    @property
    def name(self) -> str:
        """The title as running text: 'Kesepakatan Bersama'."""
        return self.title.title()

    @property
    def pemda_affixes_meterai(self) -> bool:
        """PIHAK KESATU's signatory signs over a meterai."""
        return self.meterai > 0 and self.meterai_by in ("pemda", "both")

    @property
    def partner_affixes_meterai(self) -> bool:
        """PIHAK KEDUA's signatory signs over a meterai."""
        return self.meterai > 0 and self.meterai_by in ("partner", "both")


@dataclass(frozen=True)
class NameStyle:
    """How a signer's name is printed: degrees always as the person writes them (DOCUMENTS.md §1.2)."""

    upper: bool = field(
        "print the bare name in capitals under a signature and in the komparisi ('Dr. H. LA ODE FULAN, S.STP., M.Si.'); "
        "the degrees keep their own spelling either way",
        default=True,
    )
    sekda_nip: bool = field(
        "print the Sekda's pangkat and NIP under a signature, for a Pemda still on rules based on Permendagri 54/2009 "
        "(Permendagri 1/2023 Pasal 44 gives them only to signers other than the Kepala Daerah, Wakil and Sekda)",
        default=False,
    )


@dataclass(frozen=True)
class Attendee:
    """Someone invited to or present at the FGD."""

    position: str = field("position and institution, e.g. 'Kepala Dinas Tenaga Kerja Kabupaten Buton'")
    name: str | None = field(
        "name with degrees as the person writes them, when known; leave out to let them write it in", default=None
    )


@dataclass(frozen=True)
class Invitation:
    """The letter inviting to the FGD."""

    issuer: str = field("unit issuing the letter, printed in the letterhead, e.g. 'SEKRETARIAT DAERAH'")
    nomor: str | None = field("letter number", label="NOMOR SURAT")
    date: date | None = field("letter date", label="TANGGAL SURAT")
    signer: Official = field("who signs the invitation")
    on_behalf_of: str | None = field("'a.n.' line above the signer, e.g. 'BUPATI BUTON'", default=None)

    @property
    def kop_jabatan(self) -> str:
        """The letter is the Bupati's (signed by him, or a.n. him): the title its kop jabatan prints, e.g. 'BUPATI
        BUTON'; else empty, and the issuing unit's kop instansi heads the letter (DOCUMENTS.md §1.3)."""
        if self.on_behalf_of:
            return self.on_behalf_of
        position = self.signer.position or ""
        return position if position.lower().startswith("bupati") else ""


@dataclass(frozen=True)
class Fgd:
    """The Focus Group Discussion that starts the process."""

    date: date = field("day it is held; the day name is derived, never typed")
    time: str | None = field("start time as HH.MM, e.g. 09.00", label="PUKUL")
    timezone: Literal["WIB", "WITA", "WIT"] = field("time zone of the venue (Buton: WITA)")
    venue: str = field("room and building")
    topic: str = field("what the FGD is about")
    chair: Official = field("who leads the FGD and signs the minutes")
    minutes_taker: Official = field("notulis, who signs the minutes with the chair")
    invitation: Invitation = field("the invitation letter")
    invitees: list[Attendee] = field("one row of the attendance list each")
    attendees: list[Attendee] = field("who was present, for the minutes")
    agenda: list[str] = field("agenda items")
    discussion: list[str] = field("main points raised (pokok-pokok pembahasan)")
    outcomes: list[str] = field("what was agreed (kesimpulan / kesepakatan)")

    def problems(self) -> Check:
        """Time format and non-empty lists."""
        out: Check = []
        if self.time is not None and not _is_time(self.time):
            out.append(("time", _("{value} is not a time, expected HH.MM such as 09.00").format(value=repr(self.time))))
        for name in ("invitees", "agenda", "outcomes"):
            if not getattr(self, name):
                out.append((name, _("is an empty list, expected at least one item")))
        return out


@dataclass(frozen=True)
class Purpose:
    """Maksud dan tujuan."""

    intent: str = field("maksud: one sentence, without the leading 'Maksud ... adalah'")
    goals: list[str] = field("tujuan: one item each")


@dataclass(frozen=True)
class Programme:
    """A BPJS Ketenagakerjaan programme paid for: a percentage of the income base or a flat sum."""

    code: str = field("short name, e.g. JKK")
    name: str = field("full name, e.g. Jaminan Kecelakaan Kerja")
    percent: Decimal | None = field("contribution rate in percent of the income base (JKK: 1)", default=None)
    flat: int | None = field("flat monthly contribution in rupiah (JKM: 6800)", default=None, lo=0, hi=10_000_000)

    def problems(self) -> Check:
        """Exactly one of percent and flat."""
        if (self.percent is None) == (self.flat is None):
            return [("", _("give exactly one of percent or flat, expected e.g. 'percent: 1' or 'flat: 6800'"))]
        return []

    def monthly(self, income_base: int) -> int:
        """Contribution per worker per month, in whole rupiah."""
        if self.flat is not None:
            return self.flat
        assert self.percent is not None
        return int(Decimal(income_base) * self.percent / 100)


@dataclass(frozen=True)
class Coverage:
    """Who is covered, by which programmes, at what rate."""

    workers: int = field("number of workers covered (quota)", lo=1, hi=10_000_000)
    segment: str = field("who they are, e.g. 'pekerja rentan miskin'")
    category: str = field("BPJS participant category, e.g. 'Bukan Penerima Upah (BPU)'")
    data_source: str = field("short name of the target data, e.g. P3KE")
    data_source_name: str = field("full name of the target data")
    income_base: int = field("reported monthly income the rates apply to, in rupiah", lo=1, hi=1_000_000_000)
    programmes: list[Programme] = field("programmes paid for (JKK, JKM, ...)")
    jkm_benefit: int = field("JKM death benefit in rupiah (Rp42.000.000)", lo=0, hi=10_000_000_000)
    jkm: JkmRules | None = field(
        "the parts of the JKM benefit and the scholarship rule, with their source; leave out for PP 82/2019 "
        "(Rp20.000.000 + Rp12.000.000 + Rp10.000.000, scholarship after 3 years of iuran)",
        default=None,
    )

    def problems(self) -> Check:
        """Programmes present, unique, and priced in whole rupiah; the JKM parts add up to the benefit."""
        out: Check = []
        if self.jkm is not None and (parts := sum(p.amount for p in self.jkm.parts)) != self.jkm_benefit:
            message = _("add up to {parts}, not the jkm_benefit of {benefit}, expected the same sum")
            out.append(("jkm.parts", message.format(parts=parts, benefit=self.jkm_benefit)))
        if not self.programmes:
            out.append(("programmes", _("is an empty list, expected at least one programme")))
        seen: set[str] = set()
        for i, p in enumerate(self.programmes, 1):
            if p.code in seen:
                message = _("{code} is listed twice, expected each programme once").format(code=p.code)
                out.append((f"programmes[{i}].code", message))
            seen.add(p.code)
            if p.percent is not None and Decimal(self.income_base) * p.percent % 100:
                out.append(
                    (
                        f"programmes[{i}].percent",
                        _("{percent} of {base} is not whole rupiah, expected a rate giving whole rupiah").format(
                            percent=f"{p.percent}%", base=self.income_base
                        ),
                    )
                )
        return out

    @property
    def monthly_per_worker(self) -> int:
        """Contribution per worker per month over all programmes (JKK+JKM: Rp16.800)."""
        return sum(p.monthly(self.income_base) for p in self.programmes)

    @property
    def programme_codes(self) -> str:
        """'JKK dan JKM', 'JKK, JKM dan JHT'."""
        return _join_id([p.code for p in self.programmes])

    @property
    def jkm_rules(self) -> JkmRules:
        """The JKM rules in force: ``jkm``, else PP 82/2019's if they add up to ``jkm_benefit``, else one part.

        An older file without ``jkm`` whose benefit is not PP 82/2019's Rp42.000.000 gets one part, the whole benefit.
        """
        if self.jkm is not None:
            return self.jkm
        default = JkmRules()
        if sum(p.amount for p in default.parts) == self.jkm_benefit:
            return default
        return JkmRules(
            source="agreement.yaml (coverage.jkm_benefit)", parts=[BenefitPart("Santunan Jaminan Kematian", self.jkm_benefit)]
        )

    @property
    def programme_names(self) -> str:
        """'Jaminan Kecelakaan Kerja (JKK) dan Jaminan Kematian (JKM)'."""
        return _join_id([f"{p.name} ({p.code})" for p in self.programmes])

    @property
    def rates(self) -> list[ProgrammeRate]:
        """One row per programme with its monthly amount, for rate tables."""
        return [ProgrammeRate(p.code, p.name, p.monthly(self.income_base), _rule(p)) for p in self.programmes]


@dataclass(frozen=True)
class BenefitPart:
    """One part of the JKM benefit as the Berita Acara itemises it."""

    name: str = field("what it is, e.g. 'Santunan kematian'")
    amount: int = field("rupiah", lo=0, hi=10_000_000_000)
    note: str | None = field("how it is paid, e.g. '24 (dua puluh empat) bulan dibayarkan sekaligus'", default=None)


def _pp82_parts() -> list[BenefitPart]:
    """The JKM benefit of PP 82/2019 (DOCUMENTS.md §1.7, §3 row 3)."""
    return [
        BenefitPart("Santunan kematian", 20_000_000),
        BenefitPart("Santunan berkala", 12_000_000, "24 (dua puluh empat) bulan dibayarkan sekaligus"),
        BenefitPart("Biaya pemakaman", 10_000_000),
    ]


@dataclass(frozen=True)
class JkmRules:
    """What a JKM benefit is made of, and when the children's scholarship is payable, with the source."""

    source: str = field(
        "the rule the figures come from, as the Berita Acara cites it",
        default="Peraturan Pemerintah Nomor 82 Tahun 2019 tentang Perubahan atas Peraturan Pemerintah Nomor 44 Tahun 2015",
    )
    parts: list[BenefitPart] = field("the parts, in order; they add up to coverage.jkm_benefit", default_factory=_pp82_parts)
    scholarship_years: int = field(
        "years of iuran a participant needs for the children's scholarship (beasiswa) to be payable", default=3, lo=0, hi=50
    )

    def problems(self) -> Check:
        """At least one part."""
        return [] if self.parts else [("parts", _("is an empty list, expected at least one part"))]


@dataclass(frozen=True)
class ProgrammeRate:
    """A derived row: programme and its monthly contribution per worker."""

    code: str
    name: str
    monthly: int
    rule: str


@dataclass(frozen=True)
class Funding:
    """Where the money comes from and which months it pays for: from a month of the budget year, possibly
    running into later budget years (APBD years are calendar years)."""

    source: str = field("budget, e.g. 'APBD Kabupaten Buton'")
    year: int = field("budget year (tahun anggaran) of the first month paid for; APBD years are calendar years", lo=2000, hi=2100)
    start_month: int = field("first month paid for, 1-12", lo=1, hi=12)
    months: int | None = field(
        "months paid for from start_month, possibly into later budget years (at most the term's months); "
        "leave out for 'through December'",
        default=None,
        lo=1,
        hi=MAX_TERM_YEARS * 12,
    )

    @property
    def month_count(self) -> int:
        """Months paid for, over every budget year of the period."""
        return self.months if self.months is not None else 13 - self.start_month

    @property
    def start(self) -> date:
        """First day paid for."""
        return date(self.year, self.start_month, 1)

    @property
    def end(self) -> date:
        """Last day paid for (in a later budget year when the period crosses December)."""
        year, month = divmod(self.year * 12 + self.start_month - 1 + self.month_count - 1, 12)
        return date(year, month + 1, calendar.monthrange(year, month + 1)[1])

    @property
    def years(self) -> list[int]:
        """The budget years the period pays for, in order: [2025] or [2025, 2026]."""
        return list(range(self.year, self.end.year + 1))

    def months_in(self, year: int) -> int:
        """Months paid for in budget year ``year`` (0 outside the period)."""
        first = self.start_month if year == self.year else 1
        last = self.end.month if year == self.end.year else 12
        return max(0, last - first + 1) if self.year <= year <= self.end.year else 0

    def period_in(self, year: int) -> str:
        """The months paid for in budget year ``year``: 'Juli s.d. Desember 2025', 'Januari s.d. Juni 2026', 'Juli 2025'."""
        first = self.start_month if year == self.year else 1
        last = self.end.month if year == self.end.year else 12
        return _months_text(first, year, last, year)

    @property
    def period(self) -> str:
        """'Juli s.d. Desember 2025' (one budget year), 'Juli 2025 s.d. Juni 2026' (several) or 'Juli 2025' (one month)."""
        return _months_text(self.start_month, self.year, self.end.month, self.end.year)


def _months_text(first: int, first_year: int, last: int, last_year: int) -> str:
    """'Juli 2025', 'Juli s.d. Desember 2025' or 'Juli 2025 s.d. Juni 2026'."""
    if first_year != last_year:
        return f"{nama_bulan(first)} {first_year} s.d. {nama_bulan(last)} {last_year}"
    if first == last:
        return f"{nama_bulan(first)} {first_year}"
    return f"{nama_bulan(first)} s.d. {nama_bulan(last)} {last_year}"


@dataclass(frozen=True)
class Term:
    """How long the agreement runs (at most five years)."""

    start: date = field("first day in force")
    end: date = field("last day in force")

    def problems(self) -> Check:
        """End after start, at most five years."""
        if self.end <= self.start:
            message = _("{end} is not after the start {start}, expected a later date")
            return [("end", message.format(end=i18n.day(self.end), start=i18n.day(self.start)))]
        limit = _add_years(self.start, MAX_TERM_YEARS) - timedelta(days=1)
        if self.end > limit:
            message = _("{end} makes the term longer than {years} years, expected {limit} or earlier")
            return [("end", message.format(end=i18n.day(self.end), years=MAX_TERM_YEARS, limit=limit.isoformat()))]
        return []

    @property
    def duration(self) -> str:
        """'2 (dua) tahun', '18 (delapan belas) bulan' or '45 (empat puluh lima) hari'."""
        nxt = self.end + timedelta(days=1)
        months = (nxt.year - self.start.year) * 12 + nxt.month - self.start.month
        if nxt.day == self.start.day:
            return bilangan(months // 12, "tahun") if months % 12 == 0 else bilangan(months, "bulan")
        return bilangan((nxt - self.start).days, "hari")


@dataclass(frozen=True)
class Signing:
    """Where and when the agreement is signed."""

    place: str = field("city named in 'bertempat di ...' (Buton: Pasarwajo)")
    date: date | None = field("signing date; empty until fixed", label="TANGGAL PENANDATANGANAN")


@dataclass(frozen=True)
class TechnicalTeam:
    """Tim teknis that monitors implementation."""

    lead: str = field("position of the team's chair")
    lead_name: str | None = field(
        "name of the team's chair, who signs monitoring reports, with degrees as the person writes them",
        label="NAMA KETUA TIM TEKNIS",
    )
    members: list[str] = field("positions of the members")
    decree: str | None = field("Keputusan Bupati forming the team", label="NOMOR KEPUTUSAN TIM TEKNIS")
    lead_nip: str | None = field("NIP of the team's chair, printed under the signature of monitoring reports", default=None)
    lead_rank: str | None = field("pangkat/golongan of the team's chair, e.g. 'Pembina (IV/a)'", default=None)

    @property
    def signer(self) -> Official:
        """The chair as the signatory of monitoring reports: name, position, pangkat and NIP (a placeholder while unknown)."""
        return Official(name=self.lead_name, position=self.lead, id=Identifier("NIP", self.lead_nip), rank=self.lead_rank)


CADENCE_MONTHS = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}


@dataclass(frozen=True)
class Monitoring:
    """How often implementation is reported."""

    cadence: Literal["monthly", "quarterly", "semiannual", "annual"] = field("reporting period")
    report_to: str = field("who receives the reports, e.g. 'Bupati Buton'")

    @property
    def every(self) -> str:
        """'setiap 3 (tiga) bulan' or 'setiap bulan'."""
        n = CADENCE_MONTHS[self.cadence]
        return "setiap bulan" if n == 1 else f"setiap {bilangan(n, 'bulan')}"


@dataclass(frozen=True)
class Group:
    """One group of workers already registered."""

    name: str = field("who they are, as a table row, e.g. 'Pegawai honorer non-ASN'")
    count: int = field("how many", lo=0, hi=100_000_000)


@dataclass(frozen=True)
class ExistingCoverage:
    """Workers of the regional government already registered with BPJS Ketenagakerjaan."""

    source: str = field("where the figures come from")
    groups: list[Group] = field("registered groups")
    opd: int = field("number of OPD they work in", lo=0, hi=10_000)

    @property
    def total(self) -> int:
        """All registered workers together."""
        return sum(g.count for g in self.groups)


@dataclass(frozen=True)
class Person:
    """Someone who acts on the agreement with the tool, and the process roles they hold."""

    name: str = field("name as given to --as / MOU_ACTOR (a person or an office)")
    roles: list[str] = field("roles of the process they may act in, e.g. bag_hukum, tkksd")

    def problems(self) -> Check:
        """At least one role."""
        return [] if self.roles else [("roles", _("is an empty list, expected at least one role"))]


@dataclass(frozen=True)
class Dprd:
    """The DPRD test of Permendagri 22/2020: approval when the public is burdened or money is unbudgeted."""

    burdens_public: bool = field("the agreement burdens the public or the region (membebani masyarakat dan daerah)")
    budgeted: bool = field("its money is already in the APBD of the running year (teranggarkan)")

    @property
    def required(self) -> bool:
        """DPRD approval is needed."""
        return self.burdens_public or not self.budgeted


@dataclass(frozen=True)
class Pks:
    """The Perjanjian Kerja Sama: its own numbers, signing date and the Pemda's signatory."""

    signer: Official = field("signatory of the PKS for PIHAK KESATU (the Bupati, or a Kepala Dinas with a surat kuasa)")
    surat_kuasa: str | None = field(
        "nomor of the Bupati's surat kuasa, when the signer is not the Bupati", label="NOMOR SURAT KUASA"
    )
    nomor_pemda: str | None = field("PIHAK KESATU's number of the PKS (not the KB's)", label="NOMOR PKS PIHAK KESATU")
    nomor_partner: str | None = field("PIHAK KEDUA's number of the PKS (not the KB's)", label="NOMOR PKS PIHAK KEDUA")
    date: date | None = field("signing date of the PKS", label="TANGGAL PENANDATANGANAN PKS")
    legal_basis: list[str] = field(
        "further regulations the PKS cites under Dasar after the national ones the template lists and before the "
        "Kesepakatan Bersama (e.g. the Perda on the APBD, a Perbup on kerja sama daerah), in hierarchical order",
        default_factory=list,
    )
    show_nik: bool = field(
        "Lampiran I prints each participant's full NIK; left out or false: masked as 7401**********01 (UU 27/2022)",
        default=False,
    )
    logo_pemda: str | None = field(
        "PIHAK KESATU's logo in the title block: a PNG or JPEG path relative to the agreement's folder; left out: "
        "logo-pemda.png of the templates folder (MOU_TEMPLATES), else a placeholder marked CONTOH LOGO",
        default=None,
    )
    logo_partner: str | None = field(
        "PIHAK KEDUA's logo in the title block, as logo_pemda (templates folder: logo-mitra.png)", default=None
    )

    @property
    def by_proxy(self) -> bool:
        """PIHAK KESATU signs through a surat kuasa: one is cited, or the signer is not the Bupati (DOCUMENTS.md D7)."""
        return self.surat_kuasa is not None or not self.signer.position.lower().startswith("bupati")

    @property
    def peserta(self) -> list[PksParticipant]:
        """Lampiran I, one row per participant. The list is personal data kept outside agreement.yaml
        (``participants/``), so the data alone give none: a render of the PKS fills the rows from the list in force."""
        return []

    @property
    def logos(self) -> PksLogos:
        """The title block's pictures, in party order: a render of the PKS places the images; the data alone give none."""
        return PksLogos("", "")


@dataclass(frozen=True)
class PksParticipant:
    """One row of the PKS's Lampiran I: a participant, the NIK masked unless ``pks.show_nik``."""

    nik: str
    nama: str
    desa: str
    kecamatan: str
    pekerjaan: str
    mulai: date


@dataclass(frozen=True)
class PksLogos:
    """The pictures of the PKS title block: PIHAK KESATU's on the left, PIHAK KEDUA's on the right (never the Garuda)."""

    pemda: str
    partner: str


@dataclass(frozen=True)
class Change:
    """One change an adendum makes: the field it sets (if any) and the new wording of the article."""

    text: str = field("the new wording, e.g. 'Pasal 6 ayat (1) diubah sehingga berbunyi: ...'")
    sets: str | None = field("field of agreement.yaml the change sets, e.g. term.end", default=None)
    value: str | None = field("its new value, written as in agreement.yaml, in quotes (e.g. '2028-06-30')", default=None)

    def problems(self) -> Check:
        """The field exists and is a single value, and the value fits it."""
        if (self.sets is None) != (self.value is None):
            return [("", _("give both sets and value, or neither (a wording-only change)"))]
        if self.sets is None or self.value is None:
            return []
        tp = field_type(self.sets)
        if tp is None:
            message = _("{path} is not a single-valued field of agreement.yaml, expected a path such as term.end")
            return [("sets", message.format(path=self.sets))]
        base = strip_optional(tp)
        try:
            if base is int:
                int(self.value)
            elif base is date:
                date.fromisoformat(self.value)
            elif base is Decimal:
                Decimal(self.value)
            elif base is not str:
                message = _("{path} cannot be changed by an adendum value, expected a text, number or date field")
                return [("sets", message.format(path=self.sets))]
        except (ArithmeticError, ValueError):
            message = _("{value} is not a valid {type} for {path}")
            return [("value", message.format(value=repr(self.value), type=base.__name__, path=self.sets))]
        return []


@dataclass(frozen=True)
class Amendment:
    """An adendum: why, what it changes, its numbers and signing date."""

    title: str = field("e.g. 'ADENDUM PERTAMA'")
    reason: str = field("why the agreement is changed ('bahwa ...', without 'bahwa')")
    changes: list[Change] = field("the changes, in order")
    nomor_pemda: str | None = field("PIHAK KESATU's number of the adendum", label="NOMOR ADENDUM PIHAK KESATU")
    nomor_partner: str | None = field("PIHAK KEDUA's number of the adendum", label="NOMOR ADENDUM PIHAK KEDUA")
    date: date | None = field("signing date of the adendum", label="TANGGAL PENANDATANGANAN ADENDUM")

    def problems(self) -> Check:
        """At least one change."""
        return [] if self.changes else [("changes", _("is an empty list, expected at least one change"))]


@dataclass(frozen=True)
class BudgetYear:
    """One budget year (tahun anggaran) of the funding period: its months and its allocation."""

    year: int
    months: int
    period: str
    allocation: int


@dataclass(frozen=True)
class Budget:
    """Derived money figures: one source of truth for every document.

    ``months``, ``allocation`` and ``year`` are those of the first budget year (``funding.year``);
    ``years`` lists every budget year the funding period pays for, and ``period`` is the whole period.
    """

    monthly_per_worker: int
    workers: int
    months: int
    annual: int
    allocation: int
    year: int
    period: str
    annual_months: int = 12
    years: list[BudgetYear] = dataclasses.field(default_factory=list)

    @property
    def allocations(self) -> dict[int, int]:
        """Allocation by budget year: {2025: 100800000, 2026: 100800000} (rate x workers x months of that year)."""
        return {y.year: y.allocation for y in self.years}

    @property
    def multi_year(self) -> bool:
        """The funding period runs into a later budget year."""
        return len(self.years) > 1

    @property
    def total_months(self) -> int:
        """Months paid for over the whole funding period."""
        return sum(y.months for y in self.years)

    @property
    def total(self) -> int:
        """Allocation over the whole funding period (the sum of every budget year's)."""
        return sum(y.allocation for y in self.years)


@dataclass(frozen=True)
class PowerOfAttorney:
    """The Bupati's Surat Kuasa to the official who signs the PKS (PP 28/2018 Pasal 2; DOCUMENTS.md D7).

    Its nomor is ``pks.surat_kuasa`` and the one it empowers is ``pks.signer``: each fact in one place.
    """

    date: date | None = field("date of the surat kuasa; before the PKS is signed", label="TANGGAL SURAT KUASA")


@dataclass(frozen=True)
class TeamDecree:
    """The Keputusan Bupati forming the tim teknis (DOCUMENTS.md D9); its nomor is ``technical_team.decree``."""

    date: date | None = field("date the Keputusan is set (ditetapkan)", label="TANGGAL KEPUTUSAN TIM TEKNIS")
    budget_regulation: str | None = field(
        "the Perda on the APBD of the year, cited last in Mengingat, e.g. 'Peraturan Daerah Kabupaten Buton "
        "Nomor ... Tahun 2024 tentang Anggaran Pendapatan dan Belanja Daerah Tahun Anggaran 2025'",
        label="PERATURAN DAERAH TENTANG APBD",
    )
    legal_basis: list[str] = field(
        "further regulations cited in Mengingat before the Perda on the APBD (e.g. a Perbup on kerja sama daerah), "
        "after the national ones the template lists, in hierarchical then chronological order",
        default_factory=list,
    )


@dataclass(frozen=True)
class Reconciliation:
    """The Berita Acara Rekonsiliasi Data Peserta dan Iuran of one month (DOCUMENTS.md D10).

    The counts are what both sides agreed at the meeting: the Pemda's from `mou participants list` and
    the ledger (`mou log ... payment`), BPJS's from its statement. It is signed by the chair of the tim
    teknis (technical_team.lead_name) and the partner's representative. Each month, rewrite this section
    and render again: a new version of the document.
    """

    period: date | None = field("first day of the month reconciled, e.g. 2025-07-01", label="PERIODE REKONSILIASI")
    date: date | None = field("date of the reconciliation meeting", label="TANGGAL BERITA ACARA REKONSILIASI")
    nomor_pemda: str | None = field("PIHAK KESATU's number of the berita acara", label="NOMOR BERITA ACARA PIHAK KESATU")
    nomor_partner: str | None = field("PIHAK KEDUA's number of the berita acara", label="NOMOR BERITA ACARA PIHAK KEDUA")
    unit: str | None = field(
        "the Pemda's unit holding the participant list, for the letterhead, e.g. 'Dinas Tenaga Kerja'",
        label="PERANGKAT DAERAH",
    )
    lead_nip: str | None = field("NIP of the chair of the tim teknis, who signs for PIHAK KESATU", label="NIP KETUA TIM TEKNIS")
    listed: int | None = field(
        "participants on the Pemda's list in force at the end of the month (mou participants list)",
        label="JUMLAH PESERTA DALAM DAFTAR",
        lo=0,
        hi=10_000_000,
    )
    registered: int | None = field(
        "participants BPJS has registered at the end of the month (its statement)",
        label="JUMLAH PESERTA TERDAFTAR",
        lo=0,
        hi=10_000_000,
    )
    active: int | None = field(
        "registered participants whose iuran for the month is paid (active)", label="JUMLAH PESERTA AKTIF", lo=0, hi=10_000_000
    )
    paid: int | None = field(
        "iuran paid for the month, in rupiah (the ledger's payment)", label="IURAN DIBAYAR", lo=0, hi=10_000_000_000_000
    )
    payment_reference: str | None = field("SP2D or transfer reference of that payment", label="NOMOR SP2D")
    follow_ups: list[str] = field(
        "what both sides agreed to do next (replacements in Lampiran I, corrections, deadlines)", default_factory=list
    )

    def problems(self) -> Check:
        """The period is a month's first day; active participants are registered ones."""
        out: Check = []
        if self.period is not None and self.period.day != 1:
            message = _("{period} is not the first day of a month, expected {first}")
            out.append(("period", message.format(period=self.period.isoformat(), first=self.period.replace(day=1).isoformat())))
        if self.active is not None and self.registered is not None and self.active > self.registered:
            message = _("{active} is more than the {registered} registered, expected at most that")
            out.append(("active", message.format(active=self.active, registered=self.registered)))
        return out


@dataclass(frozen=True)
class Initiation:
    """The proposing unit's Surat Inisiasi to the Sekda as Ketua TKKSD, with the KAK as its lampiran (DOCUMENTS.md D2, D3).

    The Kepala of the proposing unit (Kepala Dinas) signs both; the KAK carries the letter's date.
    """

    unit: str | None = field(
        "the proposing perangkat daerah, for the letterhead and the text, e.g. 'Dinas Tenaga Kerja'",
        label="PERANGKAT DAERAH PENGUSUL",
    )
    head_name: str | None = field(
        "name of its head, who signs the KAK and the letter, with degrees as the person writes them",
        label="NAMA KEPALA PERANGKAT DAERAH",
    )
    head_position: str | None = field(
        "position of its head, e.g. 'Kepala Dinas Tenaga Kerja Kabupaten Buton'", label="JABATAN KEPALA PERANGKAT DAERAH"
    )
    head_rank: str | None = field(
        "pangkat/golongan of its head, e.g. 'Pembina Utama Muda (IV/c)'", label="PANGKAT/GOLONGAN KEPALA PERANGKAT DAERAH"
    )
    head_nip: str | None = field("NIP of its head", label="NIP KEPALA PERANGKAT DAERAH")
    nomor: str | None = field("number of the letter, from the unit's register", label="NOMOR SURAT INISIASI")
    date: date | None = field("date of the letter (and of the KAK attached to it)", label="TANGGAL SURAT INISIASI")
    sifat: str | None = field("sifat of the letter, e.g. 'Penting'", label="SIFAT SURAT")
    attachments: list[str] = field(
        "papers attached after the KAK, e.g. 'Studi Kelayakan', 'Keputusan Kepala Dinas tentang Penunjukan PPKSD'",
        default_factory=list,
    )


@dataclass(frozen=True)
class Kak:
    """What the Kerangka Acuan Kerja adds to the agreement's data (DOCUMENTS.md D2); the rest comes from
    purpose, scope, coverage, funding and term."""

    budget_account: str | None = field(
        "DPA and kode rekening the iuran is charged to, e.g. 'DPA Dinas Tenaga Kerja TA 2025, kode rekening ...'",
        label="DPA DAN KODE REKENING",
    )
    locations: list[str] = field("kecamatan where the target workers live, one item each", default_factory=list)
    legal_basis: list[str] = field(
        "further regulations listed under Dasar Hukum after the national ones the template lists (e.g. a Perbup on "
        "kerja sama daerah, the Perda on the APBD), in hierarchical then chronological order",
        default_factory=list,
    )


TKKSD_VERDICTS = ("layak", "revisi", "tolak")
"""What a TKKSD meeting concludes (DOMAIN.md §3 state 4): go on to the offer, back to preparation, or rejected."""


@dataclass(frozen=True)
class Tkksd:
    """The TKKSD's assessment of the proposal: its Telaahan Staf to the Bupati and the Berita Acara of its meeting
    (DOCUMENTS.md D4, D5). The chair (the Sekda) signs both; the secretary co-signs the Berita Acara."""

    date: date | None = field("day of the TKKSD meeting; the Berita Acara is dated that day", label="TANGGAL RAPAT TKKSD")
    time: str | None = field("start time as HH.MM, e.g. 09.00 (time zone: fgd.timezone)", label="PUKUL")
    venue: str | None = field("room and building of the meeting", label="TEMPAT RAPAT TKKSD")
    nomor: str | None = field("number of the Berita Acara", label="NOMOR BERITA ACARA RAPAT TKKSD")
    verdict: Literal["layak", "revisi", "tolak"] | None = field(
        "what the meeting concluded: layak (go on to the offer), revisi (back to the proposing unit), tolak (rejected)",
        label="KESIMPULAN RAPAT TKKSD",
    )
    chair_name: str | None = field("name of the Ketua TKKSD (the Sekda), with degrees", label="NAMA KETUA TKKSD")
    chair_position: str | None = field(
        "position of the Ketua TKKSD, e.g. 'Sekretaris Daerah Kabupaten Buton'", label="JABATAN KETUA TKKSD"
    )
    secretary_name: str | None = field("name of the Sekretaris TKKSD, with degrees", label="NAMA SEKRETARIS TKKSD")
    secretary_position: str | None = field(
        "position of the Sekretaris TKKSD, e.g. 'Kepala Bagian Kerja Sama Sekretariat Daerah Kabupaten Buton'",
        label="JABATAN SEKRETARIS TKKSD",
    )
    secretary_rank: str | None = field("pangkat/golongan of the Sekretaris TKKSD", label="PANGKAT/GOLONGAN SEKRETARIS TKKSD")
    secretary_nip: str | None = field("NIP of the Sekretaris TKKSD", label="NIP SEKRETARIS TKKSD")
    telaahan_nomor: str | None = field("number of the Telaahan Staf", label="NOMOR TELAAHAN STAF")
    telaahan_date: Day | None = field("date of the Telaahan Staf", label="TANGGAL TELAAHAN STAF")
    reasons: list[str] = field(
        "why, for revisi (what to correct) or tolak (the reasons the rejection letter gives), one item each",
        default_factory=list,
    )
    attendees: list[Attendee] = field(
        "who attended the meeting; left out: 'sebagaimana daftar hadir terlampir'", default_factory=list
    )
    discussion: list[str] = field("pokok bahasan of the meeting, one item each", default_factory=list)
    follow_ups: list[str] = field("follow-ups agreed and who owns them, one item each", default_factory=list)
    assumptions: list[str] = field("praanggapan of the Telaahan Staf, one item each", default_factory=list)
    analysis: list[str] = field(
        "further points of the Telaahan's analysis after the ones the template derives (legal basis, cost, DPRD test)",
        default_factory=list,
    )

    def problems(self) -> Check:
        """Time format; a revisi or tolak names its reasons; the telaahan is not dated before the meeting."""
        out: Check = []
        if self.time is not None and not _is_time(self.time):
            out.append(("time", _("{value} is not a time, expected HH.MM such as 09.00").format(value=repr(self.time))))
        if self.verdict in ("revisi", "tolak") and not self.reasons:
            out.append(
                ("reasons", _("is empty for the verdict {verdict}, expected at least one reason").format(verdict=self.verdict))
            )
        if self.date is not None and self.telaahan_date is not None and self.telaahan_date < self.date:
            out.append(
                (
                    "telaahan_date",
                    _("{date} is before the meeting on {meeting}, expected that day or later").format(
                        date=i18n.day(self.telaahan_date), meeting=i18n.day(self.date)
                    ),
                )
            )
        return out


@dataclass(frozen=True)
class Rejection:
    """The Bupati's letter telling the partner the plan does not go on, with the TKKSD's reasons (tkksd.reasons)."""

    nomor: str | None = field("number of the letter, from the Setda's central register", label="NOMOR SURAT PENOLAKAN")
    date: date | None = field("date of the letter; on or after the TKKSD meeting", label="TANGGAL SURAT PENOLAKAN")
    sifat: str | None = field("sifat of the letter, e.g. 'Penting'", label="SIFAT SURAT")
    copies_to: list[str] = field("tembusan, one office each (e.g. 'Sekretaris Daerah Kabupaten Buton')", default_factory=list)


@dataclass(frozen=True)
class LetterReference:
    """A letter another one answers or cites, exactly as it was written."""

    nomor: str | None = field("its number, exactly as written on it", label="NOMOR SURAT YANG DITANGGAPI")
    date: date | None = field("its date", label="TANGGAL SURAT YANG DITANGGAPI")
    subject: str | None = field("its hal, as written on it", default=None)


@dataclass(frozen=True)
class Offer:
    """The Bupati's Surat Penawaran to the partner, or his Surat Tanggapan to the partner's own offer (DOCUMENTS.md D6)."""

    nomor: str | None = field("number of the letter, from the Setda's central register", label="NOMOR SURAT PENAWARAN")
    date: date | None = field("date of the letter; after the TKKSD found the plan layak", label="TANGGAL SURAT PENAWARAN")
    sifat: str | None = field("sifat of the letter, e.g. 'Penting'", label="SIFAT SURAT")
    contact: str | None = field(
        "whom the partner contacts about the offer: name, position and telephone, as one line", label="NARAHUBUNG"
    )
    reply_to: LetterReference | None = field(
        "the partner's letter this one answers (then it is a Surat Tanggapan citing it exactly); left out: the Pemda offers",
        default=None,
    )
    attachments: list[str] = field("papers attached, e.g. 'Kerangka Acuan Kerja', one item each", default_factory=list)
    copies_to: list[str] = field("tembusan, one office each (e.g. 'Gubernur Sulawesi Tenggara')", default_factory=list)


@dataclass(frozen=True)
class DprdLetter:
    """The Bupati's letter to the DPRD (DOCUMENTS.md D8): a permohonan persetujuan when ``dprd.required``, else a
    pemberitahuan; the variant follows the same test as the process's guards, never a hand choice."""

    nomor: str | None = field("number of the letter, from the Setda's central register", label="NOMOR SURAT KEPADA DPRD")
    date: date | None = field("date of the letter; after the Kesepakatan Bersama is signed", label="TANGGAL SURAT KEPADA DPRD")
    sifat: str | None = field("sifat of the letter, e.g. 'Penting'", label="SIFAT SURAT")
    copies_to: list[str] = field("tembusan, one office each (DOCUMENTS.md D8: the Gubernur, the Sekda)", default_factory=list)


@dataclass(frozen=True)
class Payment:
    """One payment of iuran over the term, as the ledger records it (the SP2D)."""

    reference: str = field("SP2D or transfer reference")
    date: date = field("date paid")
    amount: int = field("rupiah paid", lo=0, hi=10_000_000_000_000)


RECOMMENDATIONS = ("Dilanjutkan", "Diperluas", "Dihentikan")
"""What a final evaluation recommends for the cooperation (DOCUMENTS.md D11, SIKERJA monev)."""


@dataclass(frozen=True)
class FinalReport:
    """The Laporan Akhir at the end of the term (DOCUMENTS.md D11), signed by the chair of the tim teknis.

    Its figures are what only the ledger, the participant list and BPJS's statements know: copy them here from
    `mou report`, `mou participants list` and the monthly Berita Acara Rekonsiliasi before rendering. Unknown
    figures stay visible placeholders.
    """

    date: date | None = field("date of the report", label="TANGGAL LAPORAN AKHIR")
    registered: int | None = field(
        "participants BPJS registered at the end of the term",
        label="PESERTA TERDAFTAR PADA AKHIR KERJA SAMA",
        lo=0,
        hi=10_000_000,
    )
    active: int | None = field(
        "registered participants whose iuran for the last month is paid",
        label="PESERTA AKTIF PADA AKHIR KERJA SAMA",
        lo=0,
        hi=10_000_000,
    )
    reconciliations: int | None = field(
        "Berita Acara Rekonsiliasi signed over the term", label="JUMLAH BERITA ACARA REKONSILIASI", lo=0, hi=1000
    )
    paid: int | None = field(
        "iuran paid over the term, in rupiah: the sum of the monthly Berita Acara Rekonsiliasi (and of payments)",
        label="REALISASI IURAN",
        lo=0,
        hi=10_000_000_000_000,
    )
    recommendation: Literal["Dilanjutkan", "Diperluas", "Dihentikan"] | None = field(
        "what the evaluation recommends for the cooperation", label="REKOMENDASI"
    )
    jkk_claims: int | None = field("JKK claims paid over the term", label="JUMLAH KLAIM JKK", lo=0, hi=10_000_000)
    jkk_paid: int | None = field("JKK benefits paid, in rupiah", label="MANFAAT JKK DIBAYAR", lo=0, hi=10_000_000_000_000)
    jkm_claims: int | None = field("JKM claims paid over the term", label="JUMLAH KLAIM JKM", lo=0, hi=10_000_000)
    jkm_paid: int | None = field("JKM benefits paid, in rupiah", label="MANFAAT JKM DIBAYAR", lo=0, hi=10_000_000_000_000)
    payments: list[Payment] = field("the SP2D of the term, in order; when given they add up to paid", default_factory=list)
    activities: list[str] = field("sosialisasi and other activities held, one item each", default_factory=list)
    obstacles: list[str] = field("kendala met, one item each", default_factory=list)
    solutions: list[str] = field("how each was solved or is to be solved, one item each", default_factory=list)
    conclusions: list[str] = field("kesimpulan, one item each", default_factory=list)

    def problems(self) -> Check:
        """Active participants are registered ones; the payments add up to what was paid."""
        out: Check = []
        if self.active is not None and self.registered is not None and self.active > self.registered:
            message = _("{active} is more than the {registered} registered, expected at most that")
            out.append(("active", message.format(active=self.active, registered=self.registered)))
        total = sum(p.amount for p in self.payments)
        if self.payments and self.paid is not None and total != self.paid:
            message = _("add up to {total}, not the {paid} paid, expected the same sum")
            out.append(("payments", message.format(total=total, paid=self.paid)))
        return out


@dataclass(frozen=True)
class MinisterReport:
    """The Bupati's report on the cooperation to the Minister through the Governor (DOCUMENTS.md D12)."""

    nomor: str | None = field("number of the letter, from the Setda's central register", label="NOMOR SURAT LAPORAN")
    date: date | None = field("date of the letter", label="TANGGAL SURAT LAPORAN")
    sifat: str | None = field("sifat of the letter, e.g. 'Penting'", label="SIFAT SURAT")
    via: str | None = field("the Governor it goes through, e.g. 'Gubernur Sulawesi Tenggara'", label="GUBERNUR")
    addressee: str = field(
        "to whom (DOCUMENTS.md D12, to confirm against the official text)",
        default="Menteri Dalam Negeri c.q. Direktur Jenderal Bina Administrasi Kewilayahan",
    )
    copies_to: list[str] = field("tembusan, one office each (e.g. the province's Biro Pemerintahan)", default_factory=list)


def _coordination() -> list[str]:
    """The default paraf koordinasi of DOCUMENTS.md D13 (to confirm against the Pemda's Perbup on tata naskah dinas)."""
    return [
        "Kepala Bagian Hukum Sekretariat Daerah",
        "Kepala Bagian Kerja Sama Sekretariat Daerah",
        "Kepala Badan Keuangan dan Aset Daerah",
        "Kepala Badan Perencanaan Pembangunan Daerah",
        "Asisten Pemerintahan dan Kesejahteraan Rakyat Sekretariat Daerah",
    ]


MAX_PARAF_HIERARKI = 3  # Permendagri 54/2009 Lampiran C: at most three officials, one level after another (DOCUMENTS.md §1.4)


@dataclass(frozen=True)
class ParafSheet:
    """Who initials a draft before it is signed (lembar paraf, DOCUMENTS.md §1.4, D13), each list in the order they initial."""

    coordination: list[str] = field(
        "paraf koordinasi: the drafting unit, the related units and the legal section, by position; left out: DOCUMENTS.md D13",
        default_factory=_coordination,
    )
    hierarchy: list[str] = field(
        "paraf hierarki: at most three positions from the konseptor upward, never the signer (e.g. Kepala Dinas, "
        "Asisten, Sekretaris Daerah)",
        default_factory=list,
    )

    def problems(self) -> Check:
        """At most three hierarchical paraf; each position once."""
        out: Check = []
        if len(self.hierarchy) > MAX_PARAF_HIERARKI:
            message = _("lists {n} positions, expected at most {limit}")
            out.append(("hierarchy", message.format(n=len(self.hierarchy), limit=MAX_PARAF_HIERARKI)))
        for name in ("coordination", "hierarchy"):
            seen: set[str] = set()
            for i, position in enumerate(getattr(self, name), 1):
                if position in seen:
                    message = _("{position} is listed twice, expected each position once").format(position=position)
                    out.append((f"{name}[{i}]", message))
                seen.add(position)
        return out


@dataclass(frozen=True)
class Agreement:
    """One agreement: everything its documents say, as written in ``agreement.yaml``."""

    document: DocumentInfo = field("title, subject and layout conventions")
    parties: Parties = field("the two parties")
    fgd: Fgd = field("the Focus Group Discussion")
    considerations: list[str] = field("'bahwa ...' considerations of the agreement, without 'bahwa'")
    purpose: Purpose = field("maksud dan tujuan")
    scope: list[str] = field("ruang lingkup, one item each")
    coverage: Coverage = field("who is covered and at what rate")
    funding: Funding = field("budget source and months")
    term: Term = field("period in force")
    signing: Signing = field("signing place and date")
    technical_team: TechnicalTeam = field("tim teknis")
    monitoring: Monitoring = field("reporting cadence")
    existing_coverage: ExistingCoverage = field("workers already registered")
    people: list[Person] = field("who acts on this agreement with the tool, and in which roles")
    dprd: Dprd = field("whether DPRD approval is required")
    process: str = field("process definition in workflow/process/processes/ (ksdpk or short)", default=DEFAULT_PROCESS)
    pks: Pks | None = field("PKS signatory; needed before the PKS is signed", default=None)
    extends: str | None = field("slug of the agreement this one extends (a new cycle)", default=None)
    amendments: list[Amendment] = field(
        "adenda, in order; the signed text stays as it is and the effective terms are it plus its signed adenda",
        default_factory=list,
    )
    examples: list[str] = field(
        "fields whose values are invented examples (as `mou demo` fills them), e.g. signing.date; "
        "every document prints them marked [CONTOH]",
        default_factory=list,
    )
    power_of_attorney: PowerOfAttorney = field(
        "the Bupati's surat kuasa to sign the PKS (its nomor is pks.surat_kuasa); may be left out while unknown",
        default_factory=lambda: _unknown(PowerOfAttorney),
    )
    team_decree: TeamDecree = field(
        "the Keputusan Bupati forming the tim teknis (its nomor is technical_team.decree); may be left out while unknown",
        default_factory=lambda: _unknown(TeamDecree),
    )
    reconciliation: Reconciliation = field(
        "the month's Berita Acara Rekonsiliasi Data Peserta dan Iuran; may be left out while unknown",
        default_factory=lambda: _unknown(Reconciliation),
    )
    initiation: Initiation = field(
        "the proposing unit's Surat Inisiasi to the Ketua TKKSD and its signer, who also signs the KAK; may be left out "
        "while unknown",
        default_factory=lambda: _unknown(Initiation),
    )
    kak: Kak = field(
        "what the Kerangka Acuan Kerja adds (locations, local legal basis, DPA)", default_factory=lambda: _unknown(Kak)
    )
    tkksd: Tkksd = field(
        "the TKKSD's Telaahan Staf and the Berita Acara of its meeting, with the verdict; may be left out while unknown",
        default_factory=lambda: _unknown(Tkksd),
    )
    rejection: Rejection = field(
        "the Bupati's letter to the partner when the TKKSD rejects the plan; may be left out while unknown",
        default_factory=lambda: _unknown(Rejection),
    )
    offer: Offer = field(
        "the Bupati's Surat Penawaran (or Surat Tanggapan) to the partner; may be left out while unknown",
        default_factory=lambda: _unknown(Offer),
    )
    dprd_letter: DprdLetter = field(
        "the Bupati's letter to the DPRD (persetujuan or pemberitahuan, by dprd); may be left out while unknown",
        default_factory=lambda: _unknown(DprdLetter),
    )
    final_report: FinalReport = field(
        "the Laporan Akhir's figures at the end of the term; may be left out while unknown",
        default_factory=lambda: _unknown(FinalReport),
    )
    minister_report: MinisterReport = field(
        "the Bupati's report to the Minister through the Governor; may be left out while unknown",
        default_factory=lambda: _unknown(MinisterReport),
    )
    paraf: ParafSheet = field(
        "who initials the drafts of the KB, the PKS and an adendum (lembar paraf); may be left out for DOCUMENTS.md D13's",
        default_factory=ParafSheet,
    )

    def problems(self) -> Check:
        """Cross-section rules: every month the funding pays for lies in the term."""
        out: Check = []
        f, term = self.funding, self.term
        first, last = f.year * 12 + f.start_month, f.end.year * 12 + f.end.month  # months as ordinals
        term_first, term_last = term.start.year * 12 + term.start.month, term.end.year * 12 + term.end.month
        if not term.start.year <= f.year <= term.end.year:
            message = _("{year} is outside the term {start} to {end}, expected a year of the term")
            out.append(("funding.year", message.format(year=f.year, start=i18n.day(term.start), end=i18n.day(term.end))))
        elif first < term_first:
            out.append(
                (
                    "funding.start_month",
                    _("month {month} of {year} is before the term starts on {start}, expected {first} or later").format(
                        month=f.start_month, year=f.year, start=i18n.day(term.start), first=term.start.month
                    ),
                )
            )
        elif first > term_last:
            out.append(
                (
                    "funding.start_month",
                    _("month {month} of {year} is after the term ends on {end}, expected {last} or earlier").format(
                        month=f.start_month, year=f.year, end=i18n.day(term.end), last=term.end.month
                    ),
                )
            )
        elif last > term_last:
            limit = term_last - first + 1
            if f.months is None:
                message = _(
                    "is left out, so the funding runs through December {year}, past the end of the term on {end}, "
                    "expected months: {limit} or fewer"
                )
                out.append(("funding.months", message.format(year=f.year, end=i18n.day(term.end), limit=limit)))
            else:
                message = _(
                    "{months} months from month {month} of {year} run to {last}, past the end of the term on {end}, "
                    "expected at most {limit}"
                )
                figures = {"months": f.months, "month": f.start_month, "year": f.year, "limit": limit}
                out.append(("funding.months", message.format(**figures, last=_month(f.end), end=i18n.day(term.end))))
        seen: set[str] = set()
        for i, person in enumerate(self.people, 1):
            if person.name in seen:
                message = _("{name} is listed twice, expected each person once").format(name=person.name)
                out.append((f"people[{i}].name", message))
            seen.add(person.name)
        for name in ("considerations", "scope", "people"):
            if not getattr(self, name):
                out.append((name, _("is an empty list, expected at least one item")))
        for i, path in enumerate(self.examples, 1):
            if field_type(path) is None:
                message = _("{path} is not a single-valued field of agreement.yaml, expected e.g. pks.date").format(path=path)
                out.append((f"examples[{i}]", message))
        return out

    def effective(self, signed_adenda: int) -> Agreement:
        """The terms in force: this agreement with the field changes of its first ``signed_adenda`` adenda applied."""
        result: Agreement = self
        for amendment in self.amendments[:signed_adenda]:
            for change in amendment.changes:
                if change.sets is not None and change.value is not None:
                    result = _replace_path(result, change.sets.split("."), _coerce(change.sets, change.value))
        return result

    @property
    def pihak_kesatu(self) -> str:
        """'PIHAK KESATU' or 'PIHAK PERTAMA', as the document's convention says."""
        return f"PIHAK {self.document.party_labels}"

    @property
    def pihak_kedua(self) -> str:
        """Always 'PIHAK KEDUA'."""
        return "PIHAK KEDUA"

    @property
    def budget(self) -> Budget:
        """Yearly cost of cover and each budget year's allocation (rate x workers x months of that year)."""
        rate, workers, f = self.coverage.monthly_per_worker, self.coverage.workers, self.funding
        years = [BudgetYear(y, f.months_in(y), f.period_in(y), rate * workers * f.months_in(y)) for y in f.years]
        first = years[0]
        return Budget(rate, workers, first.months, rate * workers * 12, first.allocation, f.year, f.period, years=years)


def _unknown(cls: type[_T]) -> _T:
    """An instance of section ``cls`` whose every fact is unknown: documents show its placeholders."""
    missing = dataclasses.MISSING
    facts = [f.name for f in dataclasses.fields(cls) if f.default is missing and f.default_factory is missing]  # type: ignore[arg-type]  # cls is a model dataclass
    return cls(**dict.fromkeys(facts))


def _month(d: date) -> str:
    """A month in a message: ``2026-03`` in English (as the data file writes it), ``Maret 2026`` in Indonesian."""
    return f"{nama_bulan(d.month)} {d.year}" if i18n.language() == "id" else f"{d:%Y-%m}"


def _is_time(text: str) -> bool:
    hh, _sep, mm = text.partition(".")
    return len(hh) == 2 and len(mm) == 2 and hh.isdigit() and mm.isdigit() and int(hh) < 24 and int(mm) < 60


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _join_id(items: list[str]) -> str:
    """Indonesian list: 'a', 'a dan b', 'a, b dan c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " dan " + items[-1]


def _rule(p: Programme) -> str:
    if p.flat is not None:
        return "tetap"
    return f"{str(p.percent).replace('.', ',')}% dari penghasilan"


def _replace_path(obj: Any, parts: list[str], value: Any) -> Any:
    if not parts:
        return value
    head = parts[0]
    return dataclasses.replace(obj, **{head: _replace_path(getattr(obj, head), parts[1:], value)})


def field_type(path: str) -> Any:
    """The type hint of a scalar field path of the agreement (``term.end`` -> date), or None."""
    tp: Any = Agreement
    for part in path.split("."):
        base = strip_optional(tp)
        if not dataclasses.is_dataclass(base):
            return None
        hints = typing.get_type_hints(base)
        if part not in hints:
            return None
        tp = hints[part]
    base = strip_optional(tp)
    if dataclasses.is_dataclass(base) or typing.get_origin(base) is list:
        return None
    return tp


def _coerce(path: str, text: str) -> Any:
    """An adendum value in the field's own type (already validated when the file was read)."""
    tp = strip_optional(field_type(path))
    if tp is int:
        return int(text)
    if tp is date:
        return date.fromisoformat(text)
    if tp is Decimal:
        return Decimal(text)
    return text
