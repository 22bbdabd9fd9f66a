"""Use cases. They orchestrate domain rules over ports and never import an AWS SDK."""
