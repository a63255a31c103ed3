"""The demo's three accounts (`make serve`): the Dinas, the Setda (Bagian Hukum and Bagian Kerja Sama) and
the BPJS branch office, each with a fresh random password, printed once.

    python -m workflow.web.demo STORE     make (or remake) the accounts in STORE and print their logins
"""

from __future__ import annotations

import secrets
import sys

import workflow
from workflow.i18n import _

ACCOUNTS = (
    ("dinas", "Dinas Tenaga Kerja Kabupaten Buton", ("Dinas Tenaga Kerja Kabupaten Buton",)),
    (
        "hukum",
        "Bagian Hukum Setda Kabupaten Buton",
        ("Bagian Hukum Setda Kabupaten Buton", "Bagian Kerja Sama Setda Kabupaten Buton"),
    ),
    ("bpjs", "BPJS Ketenagakerjaan Cabang Baubau", ("Musriati",)),
)
"""(login, name, the people of the example it acts as): together they walk the whole story."""


def make_accounts(store: workflow.Store) -> list[tuple[str, str, str]]:
    """(login, name, password) of each demo account, made anew (an existing one gets a new password)."""
    made = []
    for login, name, people in ACCOUNTS:
        password = "-".join(secrets.token_hex(2) for _i in range(3))  # 14 characters, easy to type
        if workflow.get_user(store, login) is None:
            workflow.add_user(store, login, name=name, acts_as=list(people), password=password)
        else:
            workflow.set_password(store, login, password)
        made.append((login, name, password))
    return made


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    with workflow.open_store(argv[0]) as store:
        made = make_accounts(store)
    print(_("Demo accounts (the passwords are new each time):"))
    for login, name, password in made:
        print(_("  login {login:<6} password {password}  ({name})").format(login=login, password=password, name=name))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
