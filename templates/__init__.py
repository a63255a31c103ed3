"""Package data, not code: the shipped Word templates and their catalogue.

This file makes ``templates/`` the package ``workflow._templates`` of the wheel (see
``pyproject.toml``), so an installed ``mou`` finds its templates without a source checkout.
A Pemda's own templates folder (``MOU_TEMPLATES``) needs no such file.
"""
