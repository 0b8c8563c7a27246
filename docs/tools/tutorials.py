#!/usr/bin/python3
"""Keeps the tutorials of docs/tutorials/ true: each page shows its program whole, and the
program, run, prints what the page shows.

    /usr/bin/python3 docs/tools/tutorials.py check
    /usr/bin/python3 docs/tools/tutorials.py run NAME --work DIR      (NAME: java, python_evaluation,
                                                                       nightly_batch, recalibration)

A page marks its fenced blocks in the info string, after the language:

* ```` ```java file=java/CaseManagement.java ````: a piece of the program file (the path is
  relative to docs/tutorials/). The pieces of one file, in page order, joined by one blank line,
  must equal the file byte for byte (`check`): a page can walk through its program piece by
  piece, but it always shows all of it, and never an old version.
* ```` ```java excerpt=../../bindings/c/examples/java/Pact.java ````: lines that must appear, as
  one run, in that file.
* ```` ```console output ````: a piece of what the tutorial prints when `run`: the commands it
  runs (`$ ...`) and their output, in order. ```` ```markdown output=FILE ```` is a piece of a
  file it writes (relative to its working directory). A line holding only `…` stands for any
  number of lines, `…` inside a line for any text; everything else must be equal, but for
  blanks at the end of a line. Pieces are found in page order.

`run` also checks each command's exit status and what the tutorial writes (the runs are listed
in RUNS below). Inputs come from the environment, set by ctest (docs/CMakeLists.txt):
PACT_CLI (the pact program), PACT_PYTHONPATH (the built Python package), PACT_LIBRARY_DIR (the
directory of libpact.so), JAVAC, JAVA, PACT_JNA_JAR, PACT_GSON_JAR.

Exit status 0 when everything agrees, 1 otherwise, with what differs.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
TUTORIALS = ROOT / "docs" / "tutorials"
MODELS = ROOT / "models"

FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.M | re.S)
ELLIPSIS = "…"

# The page of each tutorial, and the program files it must show whole.
PAGES = {
    "java": ("java-case-management.md", ["java/CaseManagement.java"]),
    "python_evaluation": ("python-evaluation.md", ["python_evaluation.py"]),
    "nightly_batch": ("nightly-batch.md", ["nightly_batch.sh", "nightly/rejected-rows.csv"]),
    "recalibration": ("recalibration.md", ["recalibration.py"]),
}


def blocks(page: pathlib.Path):
    """(info words, attributes, text) of every fenced block of a page."""
    for match in FENCE.finditer(page.read_text(encoding="utf-8")):
        words = match.group(1).split()
        attributes = {}
        for word in words[1:]:
            key, _, value = word.partition("=")
            attributes[key] = value
        yield words, attributes, match.group(2)


# ------------------------------------------------------------------------------------------------
# check: the code on the pages is the code in the files


def check_pages() -> list:
    problems = []
    for name, (page_name, files) in PAGES.items():
        page = TUTORIALS / page_name
        if not page.exists():
            problems.append(f"{page}: missing")
            continue
        pieces: dict = {}
        for _, attributes, text in blocks(page):
            if "file" in attributes:
                pieces.setdefault(attributes["file"], []).append(text)
            if "excerpt" in attributes:
                target = (TUTORIALS / attributes["excerpt"]).resolve()
                if not target.exists() or text not in target.read_text(encoding="utf-8"):
                    problems.append(f"{page_name}: an excerpt of {attributes['excerpt']} is not in that file:\n{text}")
        for relative in files:
            if relative not in pieces:
                problems.append(f"{page_name}: does not show {relative}")
        for relative, texts in pieces.items():
            path = TUTORIALS / relative
            if not path.exists():
                problems.append(f"{page_name}: shows {relative}, which does not exist")
                continue
            shown, actual = "\n".join(texts), path.read_text(encoding="utf-8")
            if shown != actual:
                diff = difflib.unified_diff(actual.splitlines(keepends=True), shown.splitlines(keepends=True),
                                            f"{relative} (the file)", f"{relative} (as {page_name} shows it)")
                problems.append(f"{page_name}: its code differs from {relative}:\n{''.join(diff)}")
        if not any("output" in attributes for _, attributes, _ in blocks(page)):
            problems.append(f"{page_name}: shows no output of its program")
    return problems


# ------------------------------------------------------------------------------------------------
# run: the programs print and write what the pages show


def pattern(piece: str) -> re.Pattern:
    """A page's piece of output as a regular expression (… is a wildcard)."""
    parts = []
    for line in piece.rstrip("\n").split("\n"):
        if line.strip() == ELLIPSIS:
            parts.append(r"(?:[^\n]*\n)*?")
        else:  # trailing blanks (pandas pads its tables) are not significant
            parts.append(r"[^\n]*?".join(re.escape(p) for p in line.rstrip().split(ELLIPSIS)) + r"[ \t]*\n")
    return re.compile("^" + "".join(parts), re.M)


def compare_outputs(page_name: str, work: pathlib.Path, transcript: str) -> list:
    problems = []
    positions: dict = {}
    page = TUTORIALS / page_name
    found_any = False
    for _, attributes, text in blocks(page):
        if "output" not in attributes:
            continue
        found_any = True
        target = attributes["output"]
        if target:
            path = work / target
            if not path.exists():
                problems.append(f"{page_name}: shows {target}, which the tutorial did not write")
                continue
            actual = path.read_text(encoding="utf-8")
        else:
            actual = transcript
        start = positions.get(target, 0)
        match = pattern(text).search(actual, start)
        if not match:
            where = "the transcript" if not target else target
            near = actual[start:start + 4000]
            problems.append(f"{page_name}: this piece is not in {where} (after offset {start}):\n{text}\n"
                            f"--- {where} from there:\n{near}")
            continue
        positions[target] = match.end()
    if not found_any:
        problems.append(f"{page_name}: no output blocks")
    return problems


class Transcript:
    """Runs commands and keeps what a terminal would show."""

    def __init__(self, work: pathlib.Path):
        self.work = work
        self.text = ""
        self.problems: list = []

    def run(self, shown: str, command: list, expect: int = 0, env: dict | None = None, cwd=None,
            merge_stderr: bool = True, timeout: int = 120) -> subprocess.CompletedProcess:
        environment = dict(os.environ)
        environment.update(env or {})
        done = subprocess.run([str(c) for c in command], cwd=cwd or self.work, env=environment,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT if merge_stderr else subprocess.PIPE,
                              timeout=timeout)
        output = done.stdout.decode("utf-8")
        self.text += f"$ {shown}\n{output}"
        if done.returncode != expect:
            stderr = "" if merge_stderr else done.stderr.decode("utf-8", "replace")
            self.problems.append(f"`{shown}` exited with {done.returncode}, the page says {expect}:\n{output}{stderr}")
        return done


def required_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        sys.exit(f"tutorials.py: set {name} (ctest sets it; see docs/CMakeLists.txt)")
    return value


def pact_path_env() -> dict:
    """PATH with the built pact first, as a service would have it installed."""
    cli = pathlib.Path(required_env("PACT_CLI")).resolve()
    bin_dir = cli.parent
    if cli.name != "pact":  # the build names it pact; a copy under that name otherwise
        bin_dir = cli.parent / "pact-tutorial-bin"
        bin_dir.mkdir(exist_ok=True)
        shutil.copy2(cli, bin_dir / "pact")
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}


def run_java(work: pathlib.Path, t: Transcript) -> None:
    javac, java = required_env("JAVAC"), required_env("JAVA")
    classpath = os.pathsep.join([required_env("PACT_JNA_JAR"), required_env("PACT_GSON_JAR")])
    classes = work / "classes"
    classes.mkdir()
    t.run("javac -encoding UTF-8 -cp /usr/share/java/jna.jar:/usr/share/java/gson.jar -d classes "
          "bindings/c/examples/java/Pact.java docs/tutorials/java/CaseManagement.java",
          [javac, "-encoding", "UTF-8", "-Xlint:all", "-Werror", "-cp", classpath, "-d", classes,
           ROOT / "bindings/c/examples/java/Pact.java", TUTORIALS / "java/CaseManagement.java"], cwd=ROOT)
    if t.problems:
        return
    # From the repository's root, so that the model's path (and the error about a missing one)
    # reads as on the page.
    t.run("java -Djna.library.path=build/bindings/c -cp /usr/share/java/jna.jar:/usr/share/java/gson.jar:classes "
          "CaseManagement models/pact-chronicity.json",
          [java, "-Dfile.encoding=UTF-8", "-Dstdout.encoding=UTF-8", f"-Djna.library.path={required_env('PACT_LIBRARY_DIR')}",
           "-cp", os.pathsep.join([classpath, str(classes)]), "CaseManagement", "models/pact-chronicity.json"],
          cwd=ROOT, merge_stderr=False)


def run_python_evaluation(work: pathlib.Path, t: Transcript) -> None:
    shutil.copy2(MODELS / "sample-caseload.csv", work / "sample-caseload.csv")
    t.run("python3 python_evaluation.py sample-caseload.csv pilot-evaluation.png",
          [sys.executable, TUTORIALS / "python_evaluation.py", "sample-caseload.csv", "pilot-evaluation.png"],
          env={"PYTHONPATH": required_env("PACT_PYTHONPATH"), "MPLBACKEND": "Agg"}, merge_stderr=False)
    png = work / "pilot-evaluation.png"
    if not png.exists() or png.read_bytes()[:8] != b"\x89PNG\r\n\x1a\n" or png.stat().st_size < 20000:
        t.problems.append("python_evaluation.py did not draw pilot-evaluation.png")


def run_nightly_batch(work: pathlib.Path, t: Transcript) -> None:
    env = pact_path_env()
    script = work / "nightly_batch.sh"
    shutil.copy2(TUTORIALS / "nightly_batch.sh", script)
    script.chmod(0o755)
    export = work / "export"
    export.mkdir()
    # The first night's export: the sample caseload, and three rows typed wrong.
    sample = (MODELS / "sample-caseload.csv").read_bytes()
    (export / "assessments.csv").write_bytes(sample + (TUTORIALS / "nightly/rejected-rows.csv").read_bytes())
    t.run("NIGHT=2026-11-23 ./nightly_batch.sh export/assessments.csv archive",
          ["./nightly_batch.sh", "export/assessments.csv", "archive"], expect=1, env={**env, "NIGHT": "2026-11-23"})
    night = work / "archive" / "2026-11-23"
    t.run("cut -d, -f1-8 archive/2026-11-23/contact-list.csv | head -5",
          ["bash", "-c", "cut -d, -f1-8 archive/2026-11-23/contact-list.csv | head -5"])
    for name in ("results.jsonl", "rejected.csv", "report.html", "contact-list.csv"):
        if not (night / name).exists():
            t.problems.append(f"the first night wrote no {name}")
    rejected = (night / "rejected.csv").read_text(encoding="utf-8").splitlines() if (night / "rejected.csv").exists() else []
    bad_lines = [str(3002 + i) for i in range(3)]  # the header and 3000 good rows come first
    if [r.split(",")[0] for r in rejected[1:]] != bad_lines:
        t.problems.append(f"rejected.csv should list lines {bad_lines}, it holds {rejected}")
    # Each team's capacity, and no more, is selected (rank order within the territory).
    contact = night / "contact-list.csv"
    if contact.exists():
        with contact.open(newline="", encoding="utf-8") as f:
            chosen = [r["territory"] for r in csv.DictReader(f) if r["selected"] == "1"]
        counts = {team: chosen.count(team) for team in sorted(set(chosen))}
        if counts != {"leon": 4, "salamanca": 3, "valladolid": 6}:
            t.problems.append(f"the contact list selects {counts} cases per territory")
    # The second night: the errors were corrected at the source; the audit chain goes on.
    (export / "assessments.csv").write_bytes(sample)
    t.run("NIGHT=2026-11-24 ./nightly_batch.sh export/assessments.csv archive",
          ["./nightly_batch.sh", "export/assessments.csv", "archive"], expect=0, env={**env, "NIGHT": "2026-11-24"})
    t.run("wc -l archive/audit.jsonl", ["wc", "-l", "archive/audit.jsonl"])
    # Someone edits an audit record: the third night refuses to extend a broken chain.
    audit = work / "archive" / "audit.jsonl"
    before = audit.read_bytes()
    t.run("sed -i '43s/\"level\":\"[a-z_]*\"/\"level\":\"full_integration\"/' archive/audit.jsonl",
          ["sed", "-i", '43s/"level":"[a-z_]*"/"level":"full_integration"/', "archive/audit.jsonl"])
    if audit.read_bytes() == before:
        t.problems.append("the sed command did not alter the audit log (record 43 is full_integration already?)")
    t.run("NIGHT=2026-11-25 ./nightly_batch.sh export/assessments.csv archive",
          ["./nightly_batch.sh", "export/assessments.csv", "archive"], expect=3, env={**env, "NIGHT": "2026-11-25"})
    if (work / "archive" / "2026-11-25" / "contact-list.csv").exists():
        t.problems.append("the third night published a contact list despite a broken audit chain")


def run_recalibration(work: pathlib.Path, t: Transcript) -> None:
    shutil.copy2(MODELS / "sample-caseload.csv", work / "sample-caseload.csv")
    t.run("python3 recalibration.py sample-caseload.csv",
          [sys.executable, TUTORIALS / "recalibration.py", "sample-caseload.csv"], env=pact_path_env(),
          merge_stderr=False)
    model = work / "pact-chronicity-cyl.json"
    if model.exists():
        doc = json.loads(model.read_text(encoding="utf-8"))
        provenance = doc.get("provenance", {})
        # Cases 1..3000, every third held out: 2,000 fitted.
        if (provenance.get("status"), doc.get("version"), provenance.get("n_cases")) != ("calibrated", "1.0.0", 2000):
            t.problems.append(f"the recalibrated model's provenance is {provenance}")
        check_card_against_sklearn(work, t)
        # The new model loads and validates as any other.
        t.run("pact validate pact-chronicity-cyl.json", ["pact", "validate", "pact-chronicity-cyl.json"],
              env=pact_path_env())
    else:
        t.problems.append("recalibration.py wrote no pact-chronicity-cyl.json")


def check_card_against_sklearn(work: pathlib.Path, t: Transcript) -> None:
    """The card's held-out AUC and Brier score of the new model, recomputed by scikit-learn from the
    scored held-out cases."""
    from sklearn.metrics import brier_score_loss, roc_auc_score

    with (work / "held-out-scored.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    y = [float(r["chronic"]) for r in rows]
    p = [float(r["risk_probability"]) for r in rows]
    card = (work / "pact-chronicity-cyl.md").read_text(encoding="utf-8")
    for label, value in (("AUC", roc_auc_score(y, p)), ("Brier", brier_score_loss(y, p))):
        shown = re.search(rf"^\| {label} \| [0-9.]+ \| ([0-9.]+) \|$", card, re.M)
        if not shown or shown.group(1) != f"{value:.3f}":
            t.problems.append(f"the card's held-out {label} is {shown and shown.group(1)}, scikit-learn says {value:.3f}")


RUNS = {
    "java": run_java,
    "python_evaluation": run_python_evaluation,
    "nightly_batch": run_nightly_batch,
    "recalibration": run_recalibration,
}


def run(name: str, work: pathlib.Path) -> list:
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    transcript = Transcript(work)
    RUNS[name](work, transcript)
    (work / "transcript.txt").write_text(transcript.text, encoding="utf-8")
    print(transcript.text)
    return transcript.problems + compare_outputs(PAGES[name][0], work, transcript.text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="the code blocks of every page equal the files they show")
    runner = sub.add_parser("run", help="run one tutorial and compare with its page")
    runner.add_argument("name", choices=sorted(RUNS))
    runner.add_argument("--work", type=pathlib.Path, required=True, help="a scratch directory (emptied first)")
    args = parser.parse_args()
    problems = check_pages() if args.command == "check" else run(args.name, args.work.resolve())
    for problem in problems:
        print(f"FAIL: {problem}\n", file=sys.stderr)
    if not problems:
        print("tutorials: OK" if args.command == "check" else f"tutorial {args.name}: OK")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
