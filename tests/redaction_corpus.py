"""A corpus of secret shapes for the redaction tests. Test data only, none of it a live credential.

The values are assembled from pieces so that no complete token-shaped literal sits in the
repository (secret scanners would rightly stop a push of one).
"""

from __future__ import annotations


def j(*parts: str) -> str:
    return "".join(parts)


# (what, the secret, the text it sits in)
SHAPES = [
    ("aws access key id", j("AKIA", "IOSFODNN7EXAMPLE"), j("AKIA", "IOSFODNN7EXAMPLE")),
    ("aws secret in an ini file", j("wJalrXUtnFEMI/K7MDENG/", "bPxRfiCYEXAMPLEKEY"),
     j("[default]\naws_access_key_id = AKIA", "I44QH8DHBEXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/",
       "bPxRfiCYEXAMPLEKEY\n")),
    ("github classic token", j("gh", "p_16C7e42F292c6912E7710c838347Ae178B4a"),
     j("push with gh", "p_16C7e42F292c6912E7710c838347Ae178B4a please")),
    ("github fine-grained token", j("github", "_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz012345"),
     j("GITHUB=github", "_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz012345")),
    ("bearer token", "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA", "Authorization: Bearer Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA"),
    ("jwt", j("eyJhbGciOiJIUzI1NiJ9.", "eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
     j("session=eyJhbGciOiJIUzI1NiJ9.", "eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U")),
    ("private key block", "MC4CAQAwBQYDK2VwBCIEIJ7Qd9ePqmF3nYc3Y1oA2z3Z2hVq8n9QvV1q1oC8m7tS",
     j("-----BEGIN ", "PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ7Qd9ePqmF3nYc3Y1oA2z3Z2hVq8n9QvV1q1oC8m7tS\n-----END ",
       "PRIVATE KEY-----\n")),
    ("password in a database url", "Sup3rS3cretPw", "postgresql://app:Sup3rS3cretPw@db.internal:5432/cx"),
    ("sql server connection string", "Adm1nPa55word",
     "Server=tcp:acme.database.windows.net;Database=cx;User ID=app;Password=Adm1nPa55word;"),
    ("azure storage account key", "bXlzZWNyZXRhY2NvdW50a2V5MTIzNDU2Nzg5MA==",
     "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=bXlzZWNyZXRhY2NvdW50a2V5MTIzNDU2Nzg5MA==;"
     "EndpointSuffix=core.windows.net"),
    ("slack bot token", j("xo", "xb-123456789012-123456789012-abcdefghijklmnopqrstuvwx"),
     j("xo", "xb-123456789012-123456789012-abcdefghijklmnopqrstuvwx")),
    ("payment live key", j("sk_", "live_4eC39HqLyjWDarjtT1zdp7dc"), j("key sk_", "live_4eC39HqLyjWDarjtT1zdp7dc")),
]

# values of keys named like secrets
NAMED = {"db_password": "hunter2-correct-horse", "clientSecret": "cs-9f8e7d6c5b4a", "API_TOKEN": "tok-5551234abcd",
         "aws_secret_access_key": j("je7MtGbClwBF/2Zp9Utk/", "h3yCo8nvbEXAMPLEKEY")}
# container environment variables named like secrets
ENV = {"OPENAI_API_KEY": "sk-proj-abcdef1234567890", "SMTP_PASSWORD": "mail-pw-0987"}
# a Kubernetes Secret's stringData
KUBE_SECRET = {"username": "svc-user-77", "password": "p@ss-in-secret-99"}


def all_secrets() -> list[str]:
    return [s for _, s, _ in SHAPES] + list(NAMED.values()) + list(ENV.values()) + list(KUBE_SECRET.values())
