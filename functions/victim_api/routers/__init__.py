"""The victim API's routes by resource, each a Powertools router the handler includes in this order
(the order of the OpenAPI document's paths)."""
