"""The pages of the web application, one module per group; each lists its ``ROUTES``."""
