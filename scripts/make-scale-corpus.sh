#!/usr/bin/env bash
# Writes a larger import corpus from the shared Synthea bundles: K copies of every patient (transaction) bundle and the
# master-data (batch, collection) bundles once. In each copy every id of the bundle's own resources is replaced by a fresh
# UUID wherever it occurs in the file (resource ids, urn:uuid: fullUrls and references, Patient/... references, the
# identifiers Synthea sets to the same value, the MRN among them), so the copies are distinct patients with distinct
# records. Conditional references to the master data (Practitioner?identifier=..., Organization?..., Location?...) name
# no id of the bundle's own and stay as they are. Apart from the ids each file is byte for byte its source.
#
#   bash scripts/make-scale-corpus.sh K OUT [DATA]
#
#   K      copies of each patient bundle (K=5: about 106,000 stored resources from the 40 shared bundles)
#   OUT    folder to write (created; *.json files in it are replaced)
#   DATA   folder of bundles, *.json or *.json.gz (default: $HIMPORTAL_BENCH_DATA, else the repository's data/synthea-r4)
#   HIMPORTAL_CORPUS_SEED  seed of the fresh UUIDs (default 1): the same seed writes the same corpus
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

if [ $# -lt 2 ] || ! [[ "$1" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 K OUT [DATA]   (K copies of each patient bundle, K >= 1)" >&2
  exit 2
fi
k="$1" out="$2"
data="${3:-${HIMPORTAL_BENCH_DATA:-}}"
data="${data:-$root/data/synthea-r4}"

exec python3 - "$k" "$out" "$data" "${HIMPORTAL_CORPUS_SEED:-1}" <<'PY'
import glob, gzip, json, os, random, re, sys, uuid

k, out, data, seed = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
paths = sorted(glob.glob(os.path.join(data, "*.json")) + glob.glob(os.path.join(data, "*.json.gz")))
if not paths:
    sys.exit(f"make-scale-corpus: no *.json or *.json.gz bundles in {data}")
os.makedirs(out, exist_ok=True)
for old in glob.glob(os.path.join(out, "*.json")):
    os.remove(old)

def read(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        return f.read()

# A UUID as Synthea writes it (lower-case hex), not inside a longer run of hex digits and dashes.
UUID = re.compile(rb"(?<![0-9a-fA-F-])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9a-fA-F-])")
rng = random.Random(seed)
master = patients = resources = 0
for path in paths:
    raw = read(path)
    bundle = json.loads(raw)
    if bundle.get("resourceType") != "Bundle":
        continue
    name = os.path.basename(path)
    if name.endswith(".gz"):
        name = name[:-3]
    entries = bundle.get("entry") or []
    if bundle.get("type") != "transaction":
        # Master data: once, unchanged (the patients' conditional references resolve against it).
        with open(os.path.join(out, name), "wb") as f:
            f.write(raw)
        master += 1
        resources += len(entries)
        continue
    own = set()
    for entry in entries:
        resource = entry.get("resource") or {}
        if isinstance(resource.get("id"), str):
            own.add(resource["id"].encode())
        full = entry.get("fullUrl") or ""
        if full.startswith("urn:uuid:"):
            own.add(full[len("urn:uuid:"):].encode())
    odd = [i for i in own if not UUID.fullmatch(i)]
    if odd:
        sys.exit(f"make-scale-corpus: {path}: ids that are not lower-case UUIDs ({odd[0].decode()}), which this script does not rewrite")
    for copy in range(1, k + 1):
        fresh = {old: str(uuid.UUID(int=rng.getrandbits(128), version=4)).encode() for old in sorted(own)}
        text = UUID.sub(lambda m: fresh.get(m.group(0), m.group(0)), raw)
        with open(os.path.join(out, f"c{copy:03d}-{name}"), "wb") as f:
            f.write(text)
        patients += 1
        resources += len(entries)

print(f"make-scale-corpus: {out}: {patients} patient bundles ({k} copies), {master} master-data bundles, "
      f"{resources} entries, from {data}")
PY
