#!/usr/bin/env python3
"""Recall and precision of the MPI scan against the population generator's truth (issue 16 item 6).

usage: mpi-quality.py POPULATION_DIR SCAN_JSON
POPULATION_DIR holds truth.csv (mrn,person,role) and hard-pairs.csv (a,b,kind) from tools/HimPortal.PopulationGenerator;
SCAN_JSON is {"pairs":[{"a":MRN,"b":MRN,"score":S,"outcome":"linked"|"review"}]} as `himportal mpi scan --json` prints it.
A true duplicate pair is a duplicate record with its person's original; it is found when the scan holds it linked or on
the worklist. Prints one JSON object: overall and per kind of error, and the hard non-duplicates auto-linked (must be 0).
"""
import csv, json, sys
from collections import defaultdict

folder, scan_path = sys.argv[1], sys.argv[2]
person, role = {}, {}
originals = {}
with open(f"{folder}/truth.csv", newline="") as f:
    for row in csv.DictReader(f):
        person[row["mrn"]] = row["person"]
        role[row["mrn"]] = row["role"]
        if row["role"] == "original":
            originals.setdefault(row["person"], row["mrn"])
truth = {}  # frozenset(mrn pair) -> kind
for mrn, r in role.items():
    if r != "original":
        truth[frozenset((originals[person[mrn]], mrn))] = r
hard = {}
with open(f"{folder}/hard-pairs.csv", newline="") as f:
    for row in csv.DictReader(f):
        hard[frozenset((row["a"], row["b"]))] = row["kind"]

scan = json.load(open(scan_path))
outcome = {}
for p in scan["pairs"]:
    outcome[frozenset((p["a"], p["b"]))] = p["outcome"]

def same_person(pair):
    a, b = tuple(pair)
    return person.get(a) is not None and person.get(a) == person.get(b)

linked = [p for p, o in outcome.items() if o == "linked"]
review = [p for p, o in outcome.items() if o == "review"]
linked_true = sum(1 for p in linked if same_person(p))
review_true = sum(1 for p in review if same_person(p))
by_kind = defaultdict(lambda: {"pairs": 0, "linked": 0, "review": 0, "missed": 0})
for pair, kind in truth.items():
    k = by_kind[kind]
    k["pairs"] += 1
    k[{"linked": "linked", "review": "review"}.get(outcome.get(pair), "missed")] += 1
for k in by_kind.values():
    k["recall"] = round((k["linked"] + k["review"]) / k["pairs"], 4) if k["pairs"] else None
hard_by_kind = defaultdict(lambda: {"pairs": 0, "linked": 0, "review": 0})
for pair, kind in hard.items():
    h = hard_by_kind[kind]
    h["pairs"] += 1
    if outcome.get(pair) in ("linked", "review"):
        h[outcome[pair]] += 1
# Hard cases also include any auto-linked pair of two different persons who share a family name and address or birth date:
# every false link is counted below anyway.
n = len(truth)
found = sum(1 for p in truth if p in outcome)
print(json.dumps({
    "records": len(person), "true_pairs": n, "scan_pairs": len(outcome),
    "recall": round(found / n, 4) if n else None,
    "autolink": {"pairs": len(linked), "true": linked_true,
                 "precision": round(linked_true / len(linked), 4) if linked else None,
                 "recall": round(linked_true / n, 4) if n else None},
    "worklist": {"pairs": len(review), "true": review_true,
                 "precision": round(review_true / len(review), 4) if review else None,
                 "recall": round(review_true / n, 4) if n else None},
    "false_links": len(linked) - linked_true,
    "hard_autolinked": sum(h["linked"] for h in hard_by_kind.values()),
    "hard": dict(hard_by_kind),
    "by_kind": dict(sorted(by_kind.items())),
}, indent=1))
