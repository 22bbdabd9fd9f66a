"""Adapters: the only code that talks to AWS SDKs. SDK errors become domain errors here."""
