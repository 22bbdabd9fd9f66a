"""Pure domain: entities, rules and ports. Never imports boto3, botocore or pynamodb."""
