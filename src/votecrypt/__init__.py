"""votecrypt — verifiable secret ballots for unionhall (no Django).

Layers, each importing only those before it:
group -> hash -> elgamal -> proofs -> manifest -> ballot -> tally -> threshold
-> record -> verify -> cli.  The web app should use :mod:`votecrypt.api` only.
Format and byte layouts: docs/election-record.md.
"""
VERSION = "votecrypt/2"
