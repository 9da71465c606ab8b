"""Printed documents (certificates, catalogues): one A4 layout with the registry's header, fonts and QR codes.

No Flask here: callers pass text already translated and paths already resolved.
"""

from registry.documents.layout import LOGO_PATH, RegistryDocument, qr_png

__all__ = ["LOGO_PATH", "RegistryDocument", "qr_png"]
