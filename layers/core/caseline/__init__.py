"""Caseline: keeps victims of crime informed about their case (shared Lambda layer)."""
