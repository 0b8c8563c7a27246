#!/usr/bin/python3
"""Writes docs/python-reference.md from the docstrings of the built pact Python package.

    PACT_PYTHONPATH=build/python /usr/bin/python3 docs/tools/python_reference.py           # writes the page
    PACT_PYTHONPATH=build/python /usr/bin/python3 docs/tools/python_reference.py --check   # fails if it differs

The page lists the package's public API (``pact.__all__``, and the functions of ``pact.metrics``
and ``pact.plot``) with each signature and docstring, rendered from numpydoc-style text to
Markdown: section headings, parameter lists, and doctest examples as code blocks. The test
docs.python_reference regenerates it into a temporary directory and fails when it differs from
the committed page, so that the reference follows the docstrings.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import importlib
import inspect
import os
import pathlib
import re
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_OUTPUT = ROOT / "docs" / "python-reference.md"


# ------------------------------------------------------------------------------------------------
# Docstrings to Markdown

_SECTION_RULE = re.compile(r"^-{3,}$")
_ROLE = re.compile(r":(?:func|class|meth|mod|attr|data|obj):`~?([^`]+)`")
_PARAMETER_SECTIONS = {"Parameters", "Returns", "Yields", "Raises", "Attributes", "Other Parameters"}
# "name : type", or a bare name or type ("FitResult"): anything else in those sections is prose.
_PARAMETER_HEAD = re.compile(r"^[\w.*]+( : .*)?$")


def inline(text: str) -> str:
    """RST inline markup to Markdown: ``code`` and :func:`name` become `code`."""
    text = _ROLE.sub(r"`\1`", text)
    return re.sub(r"``([^`]+)``", r"`\1`", text)


def render_docstring(doc: str) -> list:
    """Markdown lines for a docstring (already dedented by inspect.getdoc)."""
    lines = doc.splitlines()
    out = []
    section = None
    i = 0
    while i < len(lines):
        line = lines[i]
        # A numpydoc section heading: a title underlined with dashes.
        if i + 1 < len(lines) and line.strip() and _SECTION_RULE.match(lines[i + 1].strip()):
            section = line.strip()
            out += ["", f"**{section}**", ""]
            i += 2
            continue
        # Doctest: from a >>> line to the next blank line, prompts and outputs together.
        if line.lstrip().startswith(">>>"):
            block = []
            while i < len(lines) and lines[i].strip():
                block.append(lines[i])
                i += 1
            out += ["", "```python"] + block + ["```", ""]
            continue
        # numpydoc parameter entries: "name : type" at the margin, the description indented below.
        if section in _PARAMETER_SECTIONS and _PARAMETER_HEAD.match(line):
            name, _, kind = line.partition(" : ")
            description = []
            i += 1
            while i < len(lines) and (lines[i].startswith(" ") or not lines[i].strip()):
                if lines[i].strip():
                    description.append(lines[i].strip())
                elif i + 1 < len(lines) and lines[i + 1].startswith(" "):
                    description.append("")
                else:
                    break
                i += 1
            head = f"`{name.strip()}`" + (f" ({inline(kind.strip())})" if kind.strip() else "")
            body = " ".join(inline(d) if d else "<br>" for d in description).replace(" <br> ", "<br>")
            out.append(f"- {head}" + (f": {body}" if body else ""))
            continue
        out.append(inline(line))
        i += 1
    # Collapse runs of blank lines.
    collapsed = []
    for line in out:
        if not line.strip() and (not collapsed or not collapsed[-1].strip()):
            continue
        collapsed.append(line.rstrip())
    while collapsed and not collapsed[-1].strip():
        collapsed.pop()
    return collapsed


# ------------------------------------------------------------------------------------------------
# Signatures


def _annotation(annotation) -> str:
    if isinstance(annotation, str):
        return annotation
    if isinstance(annotation, type):
        return annotation.__qualname__
    return repr(annotation).replace("typing.", "")


def signature(name: str, obj) -> str:
    """`name(param: type = default, ...) -> type`, with postponed annotations shown unquoted."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return f"{name}(...)"
    parts = []
    kind_seen = set()
    for p in sig.parameters.values():
        if p.kind is p.KEYWORD_ONLY and "*" not in kind_seen and inspect.Parameter.VAR_POSITIONAL not in kind_seen:
            parts.append("*")
            kind_seen.add("*")
        kind_seen.add(p.kind)
        text = p.name
        if p.kind is p.VAR_POSITIONAL:
            text = "*" + text
        elif p.kind is p.VAR_KEYWORD:
            text = "**" + text
        if p.annotation is not p.empty:
            text += f": {_annotation(p.annotation)}"
        if p.default is not p.empty:
            text += (" = " if p.annotation is not p.empty else "=") + repr(p.default)
        parts.append(text)
    result = f"{name}({', '.join(parts)})"
    if sig.return_annotation is not sig.empty:
        result += f" -> {_annotation(sig.return_annotation)}"
    return result


# ------------------------------------------------------------------------------------------------
# The page


def own_doc(obj) -> str:
    """The object's own docstring, not one inherited from a base class ('' when it has none)."""
    doc = obj.__dict__.get("__doc__") if isinstance(obj, type) else getattr(obj, "__doc__", None)
    return inspect.cleandoc(doc) if doc else ""


def anchor(text: str) -> str:
    return re.sub(r"[^a-z0-9_-]", "", text.lower().replace(".", "-").replace(" ", "-"))


def function_section(qualified: str, obj, level: str = "###") -> list:
    out = [f"{level} `{qualified}`", "", "```python", signature(qualified.rsplit(".", 1)[-1], obj), "```", ""]
    doc = own_doc(obj)
    out += (render_docstring(doc) if doc else ["(No docstring.)"]) + [""]
    return out


def class_section(qualified: str, cls) -> list:
    out = [f"### `{qualified}`", ""]
    init = cls.__dict__.get("__init__")
    if dataclasses.is_dataclass(cls):
        out += ["```python", f"@dataclass(frozen={cls.__dataclass_params__.frozen})",
                f"class {cls.__name__}", "```", ""]
    elif isinstance(cls, type) and issubclass(cls, BaseException):
        bases = ", ".join(b.__module__.replace("builtins", "").strip(".") + ("." if b.__module__ != "builtins" else "")
                          + b.__name__ for b in cls.__bases__)
        out += ["```python", f"class {cls.__name__}({bases})", "```", ""]
    else:
        out += ["```python", f"class {cls.__name__}", "```", ""]
    doc = own_doc(cls)
    out += (render_docstring(doc) if doc else ["(No docstring.)"]) + [""]
    if dataclasses.is_dataclass(cls):
        out += ["| field | type |", "| --- | --- |"]
        out += [f"| `{f.name}` | `{_annotation(f.type)}` |" for f in dataclasses.fields(cls)]
        out.append("")
    members = []
    for name, value in cls.__dict__.items():
        if name.startswith("_") or (dataclasses.is_dataclass(cls) and name in {f.name for f in dataclasses.fields(cls)}):
            continue
        members.append((name, value))
    if init is not None and not dataclasses.is_dataclass(cls) and own_doc(init):
        members.insert(0, ("__init__", init))
    for name, value in members:
        member = f"{qualified}.{name}"
        if isinstance(value, property):
            out += [f"#### `{member}` (property)", ""]
            doc = own_doc(value.fget) if value.fget else ""
            if value.fget is not None and "return" in getattr(value.fget, "__annotations__", {}):
                out += [f"Type: `{_annotation(value.fget.__annotations__['return'])}`.", ""]
            out += (render_docstring(doc) if doc else ["(No docstring.)"]) + [""]
        elif isinstance(value, (classmethod, staticmethod)):
            prefix = "classmethod" if isinstance(value, classmethod) else "staticmethod"
            function = value.__func__
            out += [f"#### `{member}` ({prefix})", "", "```python", signature(name, getattr(cls, name)), "```", ""]
            doc = own_doc(function)
            out += (render_docstring(doc) if doc else ["(No docstring.)"]) + [""]
        elif inspect.isfunction(value):
            out += [f"#### `{member}`", "", "```python", signature(name, value), "```", ""]
            doc = own_doc(value)
            out += (render_docstring(doc) if doc else ["(No docstring.)"]) + [""]
    return out


def module_functions(module) -> list:
    """Public functions defined in `module`, in source order."""
    found = [(name, obj) for name, obj in vars(module).items()
             if inspect.isfunction(obj) and obj.__module__ == module.__name__ and not name.startswith("_")]
    return sorted(found, key=lambda item: item[1].__code__.co_firstlineno)


def page(pact) -> str:
    public = [name for name in pact.__all__ if name != "__version__"]
    modules = [name for name in public if inspect.ismodule(getattr(pact, name))]
    exceptions = [name for name in public
                  if isinstance(getattr(pact, name), type) and issubclass(getattr(pact, name), BaseException)]
    classes = [name for name in public if isinstance(getattr(pact, name), type) and name not in exceptions]
    functions = [name for name in public if inspect.isfunction(getattr(pact, name))]

    out = ["# Python API reference", ""]
    out += [f"The public API of the `pact` Python package, version {pact.__version__}, generated from its "
            "docstrings by [`docs/tools/python_reference.py`](tools/python_reference.py); do not edit by "
            "hand (a test fails when the page differs from the docstrings). How to install and use the "
            "package: [pact for Python](python.md). The formulas behind every function: the "
            "[methodology](methodology.md).", ""]
    out += ["## Contents", ""]
    out.append("- [The package](#the-package)")
    out.append("- [Functions](#functions): " + ", ".join(f"[`{n}`](#{anchor('pact.' + n)})" for n in functions))
    out.append("- [Classes](#classes): " + ", ".join(f"[`{n}`](#{anchor('pact.' + n)})" for n in classes))
    out.append("- [Exceptions](#exceptions): " + ", ".join(f"`{n}`" for n in exceptions))
    for name in modules:
        out.append(f"- [`pact.{name}`](#{anchor('module pact.' + name)})")
    out.append("")

    out += ["## The package", ""] + render_docstring(own_doc(pact)) + [""]
    out += ["## Functions", ""]
    for name in functions:
        out += [f'<a id="{anchor("pact." + name)}"></a>', ""] + function_section(f"pact.{name}", getattr(pact, name))
    out += ["## Classes", ""]
    for name in classes:
        out += [f'<a id="{anchor("pact." + name)}"></a>', ""] + class_section(f"pact.{name}", getattr(pact, name))
    out += ["## Exceptions", "",
            "Errors from pact's C++ library (`include/pact/error.hpp`) reach Python as these "
            "exceptions, subclasses of the usual built-in ones (so that `except ValueError` and "
            "`except OSError` work). Each carries `where` (the JSON Pointer, position or argument of "
            "the problem) and `reason` (what was expected); a `FitError` also `problem` "
            "(`invalid_input`, `separation`, `rank_deficient`, `not_converged`, `singular`), "
            "`columns`, `iterations` and `gradient_norm`. `pact.Error` is raised for any other pact "
            "error.", ""]
    out += ["| exception | bases | docstring |", "| --- | --- | --- |"]
    for name in exceptions:
        cls = getattr(pact, name)
        bases = ", ".join(f"`{b.__name__}`" for b in cls.__bases__)
        doc = own_doc(cls)
        out.append(f"| `pact.{name}` | {bases} | {' '.join(doc.split()) if doc else '(none)'} |")
    out.append("")
    for name in modules:
        module = importlib.import_module(f"pact.{name}")
        out += [f'<a id="{anchor("module pact." + name)}"></a>', "", f"## Module `pact.{name}`", ""]
        out += render_docstring(own_doc(module)) + [""]
        for fname, function in module_functions(module):
            out += function_section(f"pact.{name}.{fname}", function)
    return "\n".join(out).rstrip("\n") + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=pathlib.Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--check", action="store_true",
                        help="regenerate into a temporary directory and fail if --output differs")
    args = parser.parse_args(argv)
    build_python = os.environ.get("PACT_PYTHONPATH")
    if build_python:
        sys.path.insert(0, build_python)
    import pact

    text = page(pact)
    if not args.check:
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output} from {pathlib.Path(pact.__file__).parent}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        fresh = pathlib.Path(tmp) / args.output.name
        fresh.write_text(text, encoding="utf-8")
        old = args.output.read_text(encoding="utf-8").splitlines(keepends=True) if args.output.exists() else []
        new = fresh.read_text(encoding="utf-8").splitlines(keepends=True)
    if old == new:
        print(f"{args.output}: up to date with {pathlib.Path(pact.__file__).parent}")
        return 0
    sys.stdout.writelines(difflib.unified_diff(old, new, str(args.output), "regenerated", n=1))
    print(f"\n{args.output} differs from the package's docstrings: run "
          "PACT_PYTHONPATH=<build>/python /usr/bin/python3 docs/tools/python_reference.py")
    return 1


if __name__ == "__main__":
    sys.exit(main())
