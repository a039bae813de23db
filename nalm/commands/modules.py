"""`nalm modules`: the registered modules and the presets that use them."""

import sys


def add_parser(subparsers):
    parser = subparsers.add_parser("modules", help="list arithmetic modules and hyper-parameter presets")
    parser.set_defaults(func=run)
    return parser


def run(args) -> int:
    from nalm import modules
    from nalm.core.presets import load_presets

    presets = load_presets()
    print("modules:")
    for name in modules.available():
        cls = modules.module_class(name)
        doc = cls.__doc__ or sys.modules[cls.__module__].__doc__ or ""
        summary = doc.strip().splitlines()[0] if doc.strip() else ""
        print(f"  {name:<22} {summary}")
    print("presets (module, ops, hyper-parameters that differ from the defaults):")
    for name, preset in presets.items():
        ops = ",".join(preset.get("ops", []))
        extras = {k: v for k, v in preset.items() if k not in ("module", "ops", "original")}
        detail = " ".join(f"{k}={v}" for k, v in extras.items())
        print(f"  {name:<22} {preset.get('module', name):<20} {ops:<16} {detail}")
    return 0
