"""Starter registries shipped with the text checker (plain text / TSV / TOML; see ../README.md)."""
