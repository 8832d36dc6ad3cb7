"""sdkcore-gen: a typed SDK package on sdkcore from an OpenAPI 3.0 or 3.1 document."""
