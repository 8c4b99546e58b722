"""The built-in exercise catalog (installed as the package ``tutor.catalog``)."""
