"""Caseline's local stack: moto as the AWS back end, resources and wiring read from template.yaml."""
