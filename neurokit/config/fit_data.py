"""What a fit file measures its model against: a ``[recording]`` or BluePyOpt ``[protocols]``.

A recording (see :mod:`neurokit.config.fit`) gives sweeps to train, validate and test on. A
BluePyOpt fit has no recording: its protocols come from protocols.json and its objectives give
target feature values (mean, std) per protocol, as BluePyOpt's features.json does::

    [protocols]
    bluepyopt = "config/protocols.json"   # relative to the fit file
    names = ["Step1", "Step3"]            # optional: these protocols only (default: all)
    sampling_interval = "0.1 ms"          # default: the model's dt
    spike_threshold = "-20 mV"            # default 0 mV

    [[objectives]]
    kind = "features"
    protocol = "Step1"
    location = "soma"
    features = { AP_height = [25.0, 3.0], mean_frequency = [12.0, 2.0] }   # [mean, std]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from neurokit.config.reader import Reader
from neurokit.errors import NeurokitError
from neurokit.params import Parameter

RECORDING_PARAMETERS = {  # name -> (canonical unit, default)
    "offset": ("mV", 0.0),
    "holding": ("pA", 0.0),
    "series_resistance": ("Mohm", 0.0),
    "spike_delay": ("ms", 0.0),
}
RECORDING_KEYS = {"path", "train", "test", "validation", "kfold", "sampling_interval", "window", "parameters",
                  "spike_threshold"}
PROTOCOLS_KEYS = {"bluepyopt", "names", "sampling_interval", "spike_threshold"}


@dataclass
class FitData:
    """The read data tables (times in s, thresholds in mV). ``recording_path`` is None for a
    protocols fit, whose ``train`` sweeps are its protocols in order (``protocol_names``)."""

    recording_path: Path | None
    train: list[int]
    test: list[int] | None
    validation: list[int] | None
    kfold: int
    sampling_interval: float
    window: tuple[float, float] | None
    spike_threshold: float
    recording_free: list[Parameter] = field(default_factory=list)
    protocols_path: Path | None = None
    protocol_names: list[str] | None = None


def _validation(r: Reader, rec: dict, train: list[int], test: list[int] | None) -> tuple[list[int] | None, int]:
    """``[recording] validation`` (sweeps held out of training, disjoint from train and test)
    or ``kfold`` (folds over the train sweeps); at most one of them."""
    if "validation" in rec and "kfold" in rec:
        raise r.error(("recording", "kfold"), "give either 'validation' sweeps or 'kfold', not both")
    if "kfold" in rec:
        k = r.integer(rec["kfold"], ("recording", "kfold"), "kfold", minimum=2)
        if k > len(train):
            raise r.error(("recording", "kfold"), f"kfold = {k} needs at least {k} train sweeps, got {len(train)}")
        return None, int(k)
    if "validation" not in rec:
        return None, 0
    val = r.int_list(rec["validation"], ("recording", "validation"), "validation")
    for name, other in (("train", train), ("test", test or [])):
        both = sorted(set(val) & set(other))
        if both:
            raise r.error(("recording", "validation"), f"validation sweeps {both} are also {name} sweeps: "
                                                       "validation must be held out of both")
    return val, 0


def _sampling(r: Reader, table: dict, key: str, dt: float, default) -> float:
    sampling = r.quantity(table.get("sampling_interval", default), "s", (key, "sampling_interval"),
                          "sampling_interval")
    ratio = sampling / dt
    if abs(ratio - round(ratio)) > 1e-6 or round(ratio) < 1:
        raise r.error((key, "sampling_interval"),
                      f"sampling_interval {sampling:g} s must be a whole multiple of dt {dt:g} s")
    return sampling


def read_data(r: Reader, raw: dict, dt: float, granularity: str, recording=None) -> FitData:
    """The file's ``[recording]`` or ``[protocols]`` table (exactly one), checked.
    ``recording`` replaces the file's recording path (``neurokit predict``)."""
    if "protocols" in raw:
        if "recording" in raw and recording is None:
            raise r.error(("protocols",), "give [recording] or [protocols], not both")
        return _read_protocols(r, raw["protocols"], dt)
    rec = raw.get("recording")
    if not isinstance(rec, dict) or "path" not in rec:
        raise r.error(("recording",), "a [recording] table with a 'path' (or a [protocols] table) is needed")
    r.keys(rec, RECORDING_KEYS, ("recording",), "[recording]")
    rec_path = Path(recording) if recording is not None else Path(r.string(rec["path"], ("recording", "path"),
                                                                            "recording path"))
    if recording is None and not rec_path.is_absolute():
        rec_path = (r.path.parent / rec_path).resolve()
    if not rec_path.exists():
        raise r.error(("recording", "path"), f"missing recording: {rec_path} does not exist")
    if "train" not in rec:
        raise r.error(("recording",), "[recording] needs 'train', the list of sweeps to fit")
    train = r.int_list(rec["train"], ("recording", "train"), "train")
    test = r.int_list(rec["test"], ("recording", "test"), "test") if "test" in rec else None
    validation, kfold = _validation(r, rec, train, test)
    sampling = _sampling(r, rec, "recording", dt, "1 ms")
    window = None
    if "window" in rec:
        window = r.bounds(rec["window"], "s", ("recording", "window"), "window")
        if window[0] < 0:
            raise r.error(("recording", "window"), f"window starts at {window[0]:g} s, before the recording")
    threshold = r.quantity(rec.get("spike_threshold", 0.0), "mV", ("recording", "spike_threshold"),
                           "spike_threshold")
    rec_free: list[Parameter] = []
    rec_params = rec.get("parameters", {})
    for key, spec in r.keys(rec_params, RECORDING_PARAMETERS, ("recording", "parameters"),
                            "[recording.parameters]").items():
        unit, default = RECORDING_PARAMETERS[key]
        rec_free.append(r.parameter(key, spec, unit, ("recording", "parameters", key), default))
    if "holding" in rec_params and granularity != "point":
        raise r.error(("recording", "parameters", "holding"), "a fitted holding current needs a point model")
    return FitData(rec_path, train, test, validation, kfold, sampling, window, threshold, rec_free)


def _read_protocols(r: Reader, table, dt: float) -> FitData:
    from neurokit.protocols_bluepyopt import parse_protocols

    r.keys(table, PROTOCOLS_KEYS, ("protocols",), "[protocols]")
    if "bluepyopt" not in table:
        raise r.error(("protocols",), "[protocols] needs 'bluepyopt', the path of a protocols.json")
    path = (r.path.parent / r.string(table["bluepyopt"], ("protocols", "bluepyopt"), "protocols path")).resolve()
    if not path.is_file():
        raise r.error(("protocols", "bluepyopt"), f"missing protocols file: {path} does not exist")
    names = None
    if "names" in table:
        names = table["names"]
        if not (isinstance(names, list) and names and all(isinstance(n, str) for n in names)):
            raise r.error(("protocols", "names"), f"names must be a list of protocol names, got {names!r}")
    try:
        parsed = parse_protocols(path, names)
    except NeurokitError as exc:
        raise r.error(("protocols", "names" if names and "not found" in str(exc) else "bluepyopt"), str(exc)) from None
    sampling = _sampling(r, table, "protocols", dt, dt)
    threshold = r.quantity(table.get("spike_threshold", 0.0), "mV", ("protocols", "spike_threshold"),
                           "spike_threshold")
    order = list(names or parsed)
    return FitData(None, list(range(len(order))), [], None, 0, sampling, None, threshold,
                   protocols_path=path, protocol_names=order)


def check_features_objective(r: Reader, options: dict, where: tuple, data: FitData) -> None:
    """A "features" objective with targets: ``features`` a table of ``[mean, std]`` (std > 0)
    of eFEL features, ``protocol`` one of the fit's protocols, ``location`` "soma"."""
    feats = options.get("features")
    if "protocol" in options:
        names = data.protocol_names
        if names is None:
            raise r.error(where + ("protocol",), "an objective's 'protocol' names a [protocols] entry; this "
                                                 "fit has a [recording]")
        if options["protocol"] not in names:
            raise r.error(where + ("protocol",), f"unknown protocol {options['protocol']!r}; the fit's "
                                                 f"protocols are {names}")
    if options.get("location", "soma") != "soma":
        raise r.error(where + ("location",), f"location {options['location']!r}: only 'soma' is recorded")
    if not isinstance(feats, dict):
        if data.recording_path is None:
            raise r.error(where, "without a recording, a features objective needs target values: "
                                 "features = { NAME = [mean, std], ... }")
        return
    if not feats:
        raise r.error(where + ("features",), "features needs at least one NAME = [mean, std]")
    for name, pair in feats.items():
        ok = (isinstance(pair, list) and len(pair) == 2
              and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in pair))
        if not ok or not pair[1] > 0 or pair[0] != pair[0]:
            raise r.error(where + ("features", name), f"feature {name!r}: expected [mean, std] numbers with "
                                                      f"std > 0, got {pair!r}")
    from neurokit.features.efel import check_names

    try:
        check_names(list(feats))
    except NeurokitError as exc:
        raise r.error(where + ("features",), str(exc)) from None
