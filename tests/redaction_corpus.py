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
    # the shapes the issue found reaching reports and bundles, and current provider key formats (each
    # checked against detect-secrets' and gitleaks' rules for that provider; values invented)
    ("openai project key", j("sk-", "proj-", "Xq3vT9mB2nL8wR4kY7pZ1cF6hJ0dG5sA_e-Uo2iK8vW3x"),
     j("OPENAI_KEY is sk-", "proj-", "Xq3vT9mB2nL8wR4kY7pZ1cF6hJ0dG5sA_e-Uo2iK8vW3x today")),
    ("openai user key", j("sk-", "Ab3dEf5hIj7lMn9pQr1t", "T3Blbk", "FJ", "Uv2wXy4zAb6cDe8fGh0i"),
     j("client = OpenAI(key='sk-", "Ab3dEf5hIj7lMn9pQr1t", "T3Blbk", "FJ", "Uv2wXy4zAb6cDe8fGh0i')")),
    ("anthropic api key", j("sk-ant-", "api03-", "R7fK2pX9mQ4vL8nB3cT6yW1zH5jD0gS-aE_uI2oP7kM4rN9qZ", "AA"),
     j("x-api-key sk-ant-", "api03-", "R7fK2pX9mQ4vL8nB3cT6yW1zH5jD0gS-aE_uI2oP7kM4rN9qZ", "AA")),
    ("anthropic admin key", j("sk-ant-", "admin01-", "Q2wE4rT6yU8iO0pA1sD3fG5hJ7kL9zX-cV_bN"),
     j("admin: sk-ant-", "admin01-", "Q2wE4rT6yU8iO0pA1sD3fG5hJ7kL9zX-cV_bN")),
    ("url with an empty user name", "Rd1sPassw0rd", "redis://:Rd1sPassw0rd@cache.internal:6379/0"),
    ("google api key", j("AIza", "SyD3x8Kq2LmN5pR7tV9wY1zB4cF6hJ0kM2o"), j("maps key AIza", "SyD3x8Kq2LmN5pR7tV9wY1zB4cF6hJ0kM2o")),
    ("gitlab token", j("gl", "pat-", "xK9mP2qR7tV4wY8zB3cF"), j("CI_TOKEN gl", "pat-", "xK9mP2qR7tV4wY8zB3cF")),
    ("hugging face token", j("hf", "_aBcDeFgHiJkLmNoPqRsTuVwXyZ01234567"), j("HF hub: hf", "_aBcDeFgHiJkLmNoPqRsTuVwXyZ01234567")),
    ("payment restricted key", j("rk_", "live_", "51HxYzAbCdEfGhIjKlMnOp"), j("rk_", "live_", "51HxYzAbCdEfGhIjKlMnOp")),
    ("payment test key", j("sk_", "test_", "4eC39HqLyjWDarjtT1zdp7dc"), j("sk_", "test_", "4eC39HqLyjWDarjtT1zdp7dc")),
    ("npm token", j("np", "m_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5"), j("//registry.npmjs.org/:_authToken=np",
                                                                       "m_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5")),
    ("pypi token", j("pypi-", "AgEIcHlwaS5vcmc", "CJDk2ZmE4YTJjLWI3ZGEtNDJjYi05ZTA3LTE0ZWZmMzQ1NjE3OAACKlsz"),
     j("password = pypi-", "AgEIcHlwaS5vcmc", "CJDk2ZmE4YTJjLWI3ZGEtNDJjYi05ZTA3LTE0ZWZmMzQ1NjE3OAACKlsz")),
    ("sendgrid key", j("SG", ".aBcDeFgHiJkLmNoPqRsTuV.", "wXyZ0123456789aBcDeFgHiJkLmNoPqRsTuVwXyZ012"),
     j("mail via SG", ".aBcDeFgHiJkLmNoPqRsTuV.", "wXyZ0123456789aBcDeFgHiJkLmNoPqRsTuVwXyZ012")),
    ("slack webhook url", j("https://hooks.slack.com/services/", "T0123ABCD/B0456EFGH/", "aBcDeFgHiJkLmNoPqRsTuVwX"),
     j("alerts go to https://hooks.slack.com/services/", "T0123ABCD/B0456EFGH/", "aBcDeFgHiJkLmNoPqRsTuVwX")),
    ("groq key", j("gsk", "_Zq8Wm3Lp5Tn7Rk2Vx9Bc4Hd6Jf1Gs0Ya8Ue3Io5Pr7Ty2Qw4Es6Dz"),
     j("gsk", "_Zq8Wm3Lp5Tn7Rk2Vx9Bc4Hd6Jf1Gs0Ya8Ue3Io5Pr7Ty2Qw4Es6Dz")),
    ("azure ad client secret", j("abc", "8Q~", "Xy7.Zw6_Vu5-Ts4~Rq3.Po2_Nm1-Lk0Ji9"),
     j("AZURE_CLIENT_SECRET value abc", "8Q~", "Xy7.Zw6_Vu5-Ts4~Rq3.Po2_Nm1-Lk0Ji9")),
    ("databricks token", j("da", "pi0123456789abcdef0123456789abcdef"), j("host token da", "pi0123456789abcdef0123456789abcdef")),
    ("digitalocean token", j("dop", "_v1_", "0123456789abcdef" * 4), j("doctl auth dop", "_v1_", "0123456789abcdef" * 4)),
    ("twilio api key", j("S", "K0123456789abcdef0123456789abcdef"), j("twilio S", "K0123456789abcdef0123456789abcdef")),
    ("basic auth header", "dXNlcjpTM2NyM3RQYXNz", "Authorization: Basic dXNlcjpTM2NyM3RQYXNz"),
    ("password assignment in text", "Env-Pa55word!", "DB_PASSWORD=Env-Pa55word! and more"),
    ("openssh private key", "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB",
     j("-----BEGIN ", "OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB\n-----END ",
       "OPENSSH PRIVATE KEY-----")),
]

# strings that look a little like secrets and are not: redaction keeps them
NOT_SECRETS = [
    "max_token=40960000", "password: ${DB_PASSWORD}", "secretKeyRef: db-credentials", "https://host:8080/path@tag",
    "sk-learn model", "ASIA-PACIFIC region ap-southeast-1", "token budget 4096", "the basic plan",
    "registry.example/app@sha256:" + "ab" * 32, "arn:aws:iam::123456789012:role/cx-bot",
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
