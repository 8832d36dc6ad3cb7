"""Example SDKs built on sdkcore; run one with ``python -m examples.minillm``."""
