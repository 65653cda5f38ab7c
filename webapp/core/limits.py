"""Length limits of what people type, defined once.

Models size their columns with them, forms and API schemas validate with them, services check them,
and templates read them (the password hint's length included): a limit changes here and nowhere else.
"""
TITLE_MAX = 200
COMPANY_NAME_MAX = 120
EMAIL_MAX = 254  # the longest address RFC 5321 lets through
PASSWORD_MIN = 10
PASSWORD_MAX = 256
SOURCE_URL_MAX = 2048
SEARCH_MAX = 200
