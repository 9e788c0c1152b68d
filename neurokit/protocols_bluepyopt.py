"""Reading BluePyOpt's protocols.json and features.json (data, parsed with :mod:`json`).

protocols.json maps a protocol name to ``{"stimuli": [...], "extra_recordings": [...]}``. A
stimulus is a square pulse ``{"delay": ms, "amp": nA, "duration": ms, "totduration": ms}``
(``"type"`` absent, ``"SquarePulse"``, ``"step"`` or ``"holding"``; ``"location"`` absent or
``"soma"``), or ``{"type": "RampPulse", "delay", "duration", "totduration", "amp",
"amp_end"}``. Protocols written as ``{"step": {...}, "holding": {...}}`` (one pulse each, the
layout BluePyEModel uses) are read too. :func:`parse_protocols` gives each protocol as plain
data (stimuli as :func:`neurokit.protocols.stimulus_from_dict` reads them, times in s, and the
longest ``totduration``); :func:`neurokit.protocols.from_bluepyopt` makes them one-sweep
Protocols with no settling period (BluePyOpt starts at ``v_init`` and records from 0). This
module imports nothing from neurokit but its errors, so ``protocols`` can call it.

Recordings: the soma always, and each ``extra_recordings`` entry of ``"type": "somadistance"``
as ``{"name", "region", "distance"}`` (um from the soma centre) in :func:`recording_sites`;
:func:`neurokit.models.bluepyopt.recordings_from_bluepyopt` turns those into locations.

features.json maps protocol -> recording name -> eFEL feature -> ``[mean, std]``;
:func:`objectives_from_bluepyopt` turns it into "features" objective specs.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from neurokit.errors import ProtocolError

REGIONS = {"somatic": "soma", "axonal": "axon", "apical": "apical", "basal": "basal"}
_PULSE = (None, "SquarePulse", "step", "holding")


def _read(source, what: str):
    if isinstance(source, dict):
        return source
    p = Path(source)
    try:
        data = json.loads(p.read_text())
    except OSError as exc:
        raise ProtocolError(f"BluePyOpt {what} {str(p)!r} cannot be read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise ProtocolError(f"BluePyOpt {what} {str(p)!r}: not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ProtocolError(f"BluePyOpt {what} {str(p)!r}: expected an object of protocol names")
    return data


def _ms(stim: dict, key: str, where: str, default: float | None = None) -> float:
    value = stim.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ProtocolError(f"{where}: {key!r} must be a finite number, got {value!r}")
    return float(value)


def _stimuli(name: str, spec: dict) -> list[dict]:
    if "stimuli" in spec:
        stims = spec["stimuli"]
    else:
        stims = [dict(spec[k], type=k) for k in ("holding", "step") if isinstance(spec.get(k), dict)]
    if not isinstance(stims, list) or not stims:
        raise ProtocolError(f"BluePyOpt protocol {name!r}: needs a non-empty 'stimuli' list "
                            f"(or 'step' / 'holding' entries)")
    return stims


def _convert(name: str, i: int, stim) -> tuple[dict, float]:
    where = f"BluePyOpt protocol {name!r} stimulus {i}"
    if not isinstance(stim, dict):
        raise ProtocolError(f"{where}: expected an object, got {stim!r}")
    loc = stim.get("location", "soma")
    if loc not in ("soma", "soma.v", "somatic"):
        raise ProtocolError(f"{where}: location {loc!r}: only somatic injection is read (the "
                            f"cell's stimulus_location says where current goes)")
    kind = stim.get("type")
    amp = _ms(stim, "amp", where)
    delay = _ms(stim, "delay", where, 0.0)
    total = _ms(stim, "totduration", where)
    duration = _ms(stim, "duration", where, total - delay)
    stop = min(delay + duration, total)
    if not stop > delay:
        raise ProtocolError(f"{where}: the pulse must end after it starts (delay {delay} ms, "
                            f"duration {duration} ms, totduration {total} ms)")
    if kind in _PULSE:
        return {"kind": "step", "amplitude": amp, "start": delay / 1e3, "stop": stop / 1e3}, total
    if kind == "RampPulse":
        end = _ms(stim, "amp_end", where)
        return {"kind": "ramp", "amplitude_start": amp, "amplitude_stop": end, "start": delay / 1e3,
                "stop": stop / 1e3}, total
    raise ProtocolError(f"{where}: stimulus type {kind!r} is not read (use a square or ramp pulse)")


def parse_protocols(protocols, names=None) -> dict[str, dict]:
    """protocols.json (path or parsed dict) as ``{name: {"stimuli": [stimulus dicts],
    "duration": s}}``, only ``names`` if given (each must exist).

    Raises
    ------
    ProtocolError
        A malformed protocol or stimulus, naming the protocol and stimulus index.
    """
    data = _read(protocols, "protocols file")
    if names is not None:
        missing = [n for n in names if n not in data]
        if missing:
            raise ProtocolError(f"BluePyOpt protocols {missing} not found (have {sorted(data)})")
    out = {}
    for name, spec in data.items():
        if names is not None and name not in names:
            continue
        if not isinstance(spec, dict):
            raise ProtocolError(f"BluePyOpt protocol {name!r}: expected an object, got {spec!r}")
        pairs = [_convert(name, i, s) for i, s in enumerate(_stimuli(name, spec))]
        out[name] = {"stimuli": [s for s, _ in pairs], "duration": max(t for _, t in pairs) / 1e3}
    return out


def recording_sites(protocols) -> dict[str, list[dict]]:
    """Per protocol, where BluePyOpt records: ``[{"name": "soma", "region": "soma",
    "distance": None}, {"name": "dend1", "region": "apical", "distance": 660.0}, ...]``."""
    data = _read(protocols, "protocols file")
    out = {}
    for name, spec in data.items():
        sites = [{"name": "soma", "region": "soma", "distance": None}]
        for j, rec in enumerate(spec.get("extra_recordings", []) if isinstance(spec, dict) else []):
            where = f"BluePyOpt protocol {name!r} extra_recordings[{j}]"
            if not isinstance(rec, dict) or rec.get("type") != "somadistance":
                raise ProtocolError(f"{where}: only 'somadistance' recordings are read, got {rec!r}")
            if rec.get("var", "v") != "v":
                raise ProtocolError(f"{where}: only membrane potential ('v') is recorded")
            region = REGIONS.get(rec.get("seclist_name"))
            if region is None:
                raise ProtocolError(f"{where}: seclist_name {rec.get('seclist_name')!r} is not one of "
                                    f"{sorted(REGIONS)}")
            sites.append({"name": str(rec.get("name", f"rec{j}")), "region": region,
                          "distance": _ms(rec, "somadistance", where)})
        out[name] = sites
    return out


def objectives_from_bluepyopt(features, weight: float = 1.0) -> list[dict]:
    """features.json (path or parsed dict) as "features" objective specs, one per protocol and
    recording: ``{"kind": "features", "weight": w, "features": [...], "sd": {feature: std}}``
    (the options :class:`neurokit.fitting.objectives.FeatureError` takes) plus the data the
    objective is measured against: ``"protocol"``, ``"recording"`` and ``"mean"`` ({feature:
    mean}, in eFEL's units).

    Raises
    ------
    ProtocolError
        An entry that is not ``[mean, std]`` with a finite mean and a positive std.
    """
    data = _read(features, "features file")
    out = []
    for proto, recs in data.items():
        if not isinstance(recs, dict):
            raise ProtocolError(f"BluePyOpt features {proto!r}: expected recording -> features")
        for rec, feats in recs.items():
            mean, sd = {}, {}
            for feat, pair in (feats or {}).items():
                where = f"BluePyOpt features {proto!r}/{rec!r}/{feat!r}"
                if not (isinstance(pair, list) and len(pair) == 2):
                    raise ProtocolError(f"{where}: expected [mean, std], got {pair!r}")
                m, s = (_ms({"v": v}, "v", where) for v in pair)
                if not s > 0:
                    raise ProtocolError(f"{where}: std {s!r} must be > 0")
                mean[feat], sd[feat] = m, s
            out.append({"kind": "features", "weight": float(weight), "features": list(mean), "sd": sd,
                        "protocol": proto, "recording": rec, "mean": mean})
    return out
