"""The engine options every evaluating command shares, collapsed into one `engine` argument."""

from __future__ import annotations

import functools

import click

from cxgov.engine.bounds import DEFAULT_MEMORY, DEFAULT_TIMEOUT, EvalBounds, evaluation_bounds, format_size, parse_size
from cxgov.engine.choice import ENGINES, EngineChoice

_OPTIONS = [
    click.option("--engine", type=click.Choice(ENGINES), default="embedded", show_default=True,
                 help="Evaluate with the embedded OPA or a running OPA server."),
    click.option("--opa-url", metavar="URL", envvar="CXGOV_OPA_URL",
                 help="The OPA server's root URL (http[s]://host:port[/path]); env CXGOV_OPA_URL."),
    click.option("--opa-token", metavar="TOKEN", envvar="CXGOV_OPA_TOKEN", show_envvar=False,
                 help="Bearer token for OPA's authentication; prefer the env CXGOV_OPA_TOKEN."),
    click.option("--opa-ca-cert", type=click.Path(exists=True, dir_okay=False), metavar="FILE",
                 help="CA bundle to verify the server's TLS certificate. Default: the system's trust store."),
    click.option("--opa-client-cert", type=click.Path(exists=True, dir_okay=False), metavar="FILE",
                 help="Client certificate for mutual TLS (with the key inside, or --opa-client-key)."),
    click.option("--opa-client-key", type=click.Path(exists=True, dir_okay=False), metavar="FILE",
                 help="Private key of --opa-client-cert."),
    click.option("--opa-timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True, metavar="SECONDS",
                 help="Per request to the OPA server."),
    click.option("--opa-preloaded", is_flag=True,
                 help="Use the policies and data the server already holds (e.g. from an OPA bundle) instead of "
                      "pushing them for this run."),
]


ALLOW_NONDETERMINISTIC = click.option(
    "--allow-nondeterministic", is_flag=True,
    help="Allow policies to call http.send, net.lookup_ip_addr, opa.runtime, time.now_ns, rand.* and "
         "uuid.rfc4122. Off by default: the verdict could not be replayed. Recorded in the result.")


_BOUNDS = [
    click.option("--eval-timeout", type=click.FloatRange(min=0.1), default=DEFAULT_TIMEOUT, show_default=True,
                 metavar="SECONDS", envvar="CXGOV_EVAL_TIMEOUT",
                 help="Longest one batch of documents may take to evaluate on the embedded engine; past it the "
                      "run stops with exit 2 naming the package and document (env CXGOV_EVAL_TIMEOUT)."),
    click.option("--eval-memory", default=format_size(DEFAULT_MEMORY).replace(" ", ""), show_default=True,
                 metavar="SIZE", envvar="CXGOV_EVAL_MEMORY",
                 help="Most memory an evaluation worker may take on top of the engine itself (its address "
                      "space, RLIMIT_AS), e.g. 512MiB or 4G; past it the run stops with exit 2 (env "
                      "CXGOV_EVAL_MEMORY)."),
]


def eval_bound_options(command):
    """Adds --eval-timeout and --eval-memory; the command runs with those bounds (cxgov/engine/bounds.py),
    so every embedded engine it creates, directly or through an audit, replay or drift run, has them."""

    @functools.wraps(command)
    def wrapper(*args, eval_timeout, eval_memory, **kwargs):
        with evaluation_bounds(EvalBounds(eval_timeout, parse_size(eval_memory))):
            return command(*args, **kwargs)

    for option in reversed(_BOUNDS):
        wrapper = option(wrapper)
    return wrapper


def engine_options(command):
    """Adds --engine, --opa-* and the evaluation bounds to a click command and passes the engine on as
    `engine=EngineChoice(...)`."""

    @functools.wraps(command)
    def wrapper(*args, engine, opa_url, opa_token, opa_ca_cert, opa_client_cert, opa_client_key, opa_timeout,
                opa_preloaded, allow_nondeterministic, **kwargs):
        choice = EngineChoice(engine, opa_url, opa_token, opa_ca_cert, opa_client_cert, opa_client_key,
                              opa_timeout, opa_preloaded, allow_nondeterministic)
        return command(*args, engine=choice, **kwargs)

    for option in reversed([*_OPTIONS, ALLOW_NONDETERMINISTIC]):
        wrapper = option(wrapper)
    return eval_bound_options(wrapper)
