"""Run `kb build` and kill -9 this very process at one phase (fault injection for tests/test_faults.py).

    python tests/fault_build.py PHASE CORPUS INDEX [--force]

The phase's function is wrapped so that the process sends itself SIGKILL just before (or, for
``after-current``, just after) that step: no cleanup code runs, exactly as with `kill -9`.
"""

from __future__ import annotations

import os
import signal
import sys


def _die(*_args, **_kwargs):
    os.kill(os.getpid(), signal.SIGKILL)


def main() -> None:
    import kb.build_data
    import kb.index
    import kb.store

    phase, corpus, index, *rest = sys.argv[1:]
    targets = {  # phase → (module, attribute) killed before it runs
        "locked": (kb.index, "clean_leftovers"),
        "ingest": (kb.build_data, "load_corpus"),  # kb/build_data.py computes what every backend writes
        "embed": (kb.build_data, "get_embedder"),
        "write": (kb.index, "write_jsonl"),
        "vectors": (kb.index.faiss, "write_index"),
        "manifest": (kb.index, "version_files"),
        "rename": (kb.index, "swap_in"),
        "current": (kb.store, "os"),  # os.replace of CURRENT: the moment the live version would change
        "after-current": (kb.store, "prune"),  # CURRENT switched, old versions not yet pruned
    }
    module, name = targets[phase]
    if phase == "current":  # only kb.store's os.replace dies, not every os.replace in the process
        setattr(module, name, type("DyingOs", (), {"__getattr__": lambda _s, a: getattr(os, a),
                                                   "replace": staticmethod(_die)})())
    else:
        setattr(module, name, _die)
    from kb.cli import main as kb_main

    kb_main(["--corpus", corpus, "--index", index, "build", "--quiet", *rest])
    raise SystemExit(f"phase {phase} was never reached")


if __name__ == "__main__":
    main()
