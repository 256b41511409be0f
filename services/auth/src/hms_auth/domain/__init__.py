"""The auth domain: users, activation codes, refresh-token families, throttling, signing keys.

Imports nothing but the standard library.
"""
