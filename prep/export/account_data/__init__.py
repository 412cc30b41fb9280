""""Download my data": one JSON document with a user's settings, tracks, own cards, card
states and tags, review log and exam attempts (``export``), its records' rules
(``schema``), and its import into a fresh account, all or nothing (``importer``)."""

from prep.export.account_data.export import export_account, export_file, export_json
from prep.export.account_data.importer import (
    AccountImport,
    import_account,
    is_fresh,
    read_account_file,
    store_account_import,
)
from prep.export.account_data.schema import FORMAT, MAX_PROBLEMS, VERSION, DataFileError

__all__ = [
    "FORMAT",
    "MAX_PROBLEMS",
    "VERSION",
    "AccountImport",
    "DataFileError",
    "export_account",
    "export_file",
    "export_json",
    "import_account",
    "is_fresh",
    "read_account_file",
    "store_account_import",
]
