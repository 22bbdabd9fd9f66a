"""DynamoDB single-table adapter (PynamoDB)."""
