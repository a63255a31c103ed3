"""Package data, not code: the embedded example agreement ships as ``workflow._example``.

Only ``buton-bpjstk-2025/agreement.yaml`` goes into the wheel (see ``pyproject.toml``), so that
``mou demo`` works from an installed ``mou``. Other agreements in this folder are never packaged.
"""
