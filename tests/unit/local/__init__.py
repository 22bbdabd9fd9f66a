"""Unit tests for the local stack's pure parts (the force simulator)."""
