"""Speed measurements for prep: printed tables, results committed in the README."""
