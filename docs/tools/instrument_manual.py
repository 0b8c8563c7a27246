#!/usr/bin/python3
"""Writes the instrument manual, in Spanish and English, from an instrument's JSON.

    /usr/bin/python3 docs/tools/instrument_manual.py            # writes docs/instrument-manual.{es,en}.md
    /usr/bin/python3 docs/tools/instrument_manual.py --check    # fails if the committed files differ

The manual is what a social worker reads to rate a case: every dimension, and for every item the
question to ask, the response type, the options with their written anchors and severities (or
the numeric scale, its unit and its severity curve), the weight, whether the item is required,
its critical cut-off, and why it is there. Everything comes from the instrument file, so that the
manual cannot drift from it: the test docs.instrument_manual regenerates the pages into a
temporary directory and fails when they differ from the committed ones.

Only the standard library is used (json, argparse, difflib), so that the generator runs with any
Python 3, without pact built.
"""

from __future__ import annotations

import argparse
import difflib
import json
import pathlib
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_INSTRUMENT = ROOT / "models" / "pact-instrument.json"
DEFAULT_OUTPUT = ROOT / "docs"
LANGUAGES = ("es", "en")

# The manual's own words. Everything about the instrument itself comes from its JSON.
TEXT = {
    "es": {
        "title": "Manual del instrumento",
        "generated": (
            "Este manual se genera a partir de [`{source}`]({source_link}) con "
            "[`docs/tools/instrument_manual.py`](tools/instrument_manual.py); no lo edite a mano "
            "(una prueba falla si difiere del instrumento). Versión en inglés: "
            "[instrument-manual.en.md](instrument-manual.en.md)."
        ),
        "identity": "Identificador `{id}`, versión {version}.",
        "status": (
            "> **Estado.** Es un punto de partida razonado, no una escala validada: cada servicio "
            "debe validarlo localmente (acuerdo entre profesionales, consistencia interna) antes de "
            "basarse en sus puntuaciones, y las puntuaciones apoyan el juicio profesional, nunca lo "
            "sustituyen ([uso responsable](responsible-use.md))."
        ),
        "contents": "Contenido",
        "how_to_rate": "Cómo valorar",
        "rules": [
            "**Valore la situación actual.** {window}",
            "**Elija la opción cuyo ancla describe la situación.** Cada opción tiene un ancla "
            "escrita para que dos profesionales valoren igual.",
            "**Pregunta que no procede.** Salvo que la pregunta diga otra cosa, deje sin respuesta el "
            "ítem que no se aplica al caso: reduce la cobertura de su dimensión pero no su puntuación. Una dimensión se puntúa "
            "cuando los ítems respondidos reúnen la parte de su peso indicada en "
            "«cobertura mínima»; el índice compuesto, cuando las dimensiones puntuadas reúnen al "
            "menos el {composite} del peso total.",
            "**Ítems obligatorios:** {required}. Una valoración sin respuesta a ellos se rechaza.",
            "**Escala.** Cada respuesta se convierte en una gravedad entre 0 (sin dificultad) y 1 "
            "(la situación más grave); las puntuaciones de dimensión y el índice compuesto están en "
            "la misma escala (los informes pueden mostrarlas multiplicadas por 100). La "
            "[metodología](methodology.md) da cada fórmula.",
        ],
        "window": "No use información de más de {days} días de antigüedad.",
        "no_window": "El instrumento no fija un plazo para la información.",
        "levels": "Niveles del índice compuesto",
        "levels_intro": "El nivel es el último cuyo umbral alcanza el índice compuesto.",
        "level_cols": ["Nivel", "Identificador", "Desde", "Significado"],
        "alerts": "Alertas al revalorar",
        "alert_rules": {
            "dimension_worsening": "la puntuación de una dimensión sube al menos {v}",
            "level_increase": "el nivel del índice compuesto sube",
            "critical_item_appears": "un ítem alcanza su corte crítico y no lo alcanzaba en la valoración anterior",
            "reassessment_overdue_days": "la última valoración tiene más de {v} días",
        },
        "no_alerts": "El instrumento no define alertas.",
        "points": "{v} ({points} puntos sobre 100)",
        "dimensions": "Dimensiones",
        "dimension_cols": ["Dimensión", "Identificador", "Peso", "Peso normalizado",
                           "Cobertura mínima", "Corte de privación", "Corte crítico", "Ítems"],
        "dimension_facts": (
            "Peso {weight} ({share} del índice compuesto); cobertura mínima {coverage}; "
            "privación (método de recuento) desde {deprivation}; {critical}."
        ),
        "dimension_critical": "factor crítico desde {v}",
        "dimension_no_critical": "sin corte crítico",
        "question": "Pregunta",
        "no_question": "(El instrumento no formula una pregunta para este ítem.)",
        "facts": "Datos del ítem",
        "type": "Tipo de respuesta",
        "types": {
            "ordinal": "ordinal (una de las opciones)",
            "yes_no": "sí/no (1 = sí, 0 = no)",
            "count": "recuento (número entero)",
            "months": "meses",
            "amount": "cantidad",
        },
        "weight": "Peso",
        "weight_value": "{weight} ({share} del peso de la dimensión)",
        "required": "Obligatorio",
        "yes": "sí",
        "no": "no",
        "critical": "Corte crítico",
        "critical_value": "factor crítico con gravedad ≥ {v}",
        "no_critical": "ninguno",
        "options": "Opciones",
        "option_cols": ["Código", "Opción", "Ancla: elija esta opción cuando…", "Gravedad"],
        "yes_no_cols": ["Respuesta", "Código", "Gravedad"],
        "unit": "Unidad",
        "no_unit": "(sin unidad)",
        "range": "Valores válidos",
        "range_value": "de {min} a {max}",
        "range_open": "desde {min} (sin máximo)",
        "whole": "; solo números enteros",
        "outside": "Un valor fuera de los valores válidos se rechaza; nunca se recorta.",
        "curve": "Gravedad según el valor",
        "curve_cols": ["Valor", "Gravedad"],
        "linear": (
            "Entre dos puntos la gravedad se interpola en línea recta; por debajo del primer punto "
            "vale la del primero y por encima del último, la del último."
        ),
        "step": (
            "Cada punto mantiene su gravedad hasta el siguiente (escalones); por debajo del primer "
            "punto vale la del primero y desde el último, la del último."
        ),
        "rationale": "Justificación",
        "rationale_note": "(texto del instrumento, en inglés)",
        "references": "Referencias",
        "percent": "{v} %",
    },
    "en": {
        "title": "Instrument manual",
        "generated": (
            "This manual is generated from [`{source}`]({source_link}) by "
            "[`docs/tools/instrument_manual.py`](tools/instrument_manual.py); do not edit it by "
            "hand (a test fails when it differs from the instrument). Spanish version: "
            "[instrument-manual.es.md](instrument-manual.es.md)."
        ),
        "identity": "Identifier `{id}`, version {version}.",
        "status": (
            "> **Status.** A reasoned starting point, not a validated scale: each service must "
            "validate it locally (inter-rater agreement, internal consistency) before relying on its "
            "scores, and the scores support professional judgement, never replace it "
            "([responsible use](responsible-use.md))."
        ),
        "contents": "Contents",
        "how_to_rate": "How to rate",
        "rules": [
            "**Rate the current situation.** {window}",
            "**Choose the option whose anchor describes the situation.** Every option has a written "
            "anchor so that two professionals rate alike.",
            "**A question that does not apply.** Unless its question says otherwise, leave an item "
            "that does not apply to the case unanswered: it lowers its dimension's coverage, not its "
            "score. A dimension is scored "
            "when its answered items carry the share of its weight given as \"minimum coverage\"; "
            "the composite index when the scored dimensions carry at least {composite} of the total "
            "weight.",
            "**Required items:** {required}. An assessment without an answer to them is rejected.",
            "**Scale.** Every response becomes a severity between 0 (no difficulty) and 1 (the most "
            "severe situation); dimension scores and the composite index are on the same scale "
            "(reports may show them multiplied by 100). The [methodology](methodology.md) gives "
            "every formula.",
        ],
        "window": "Do not use information older than {days} days.",
        "no_window": "The instrument sets no limit on how old information may be.",
        "levels": "Levels of the composite index",
        "levels_intro": "The level is the last one whose threshold the composite index reaches.",
        "level_cols": ["Level", "Identifier", "From", "Meaning"],
        "alerts": "Alerts on reassessment",
        "alert_rules": {
            "dimension_worsening": "a dimension's score rises by at least {v}",
            "level_increase": "the composite index's level goes up",
            "critical_item_appears": "an item reaches its critical cut-off and did not at the previous assessment",
            "reassessment_overdue_days": "the last assessment is more than {v} days old",
        },
        "no_alerts": "The instrument defines no alerts.",
        "points": "{v} ({points} points out of 100)",
        "dimensions": "Dimensions",
        "dimension_cols": ["Dimension", "Identifier", "Weight", "Normalised weight",
                           "Minimum coverage", "Deprivation cut-off", "Critical cut-off", "Items"],
        "dimension_facts": (
            "Weight {weight} ({share} of the composite index); minimum coverage {coverage}; "
            "deprived (counting method) from {deprivation}; {critical}."
        ),
        "dimension_critical": "a critical factor from {v}",
        "dimension_no_critical": "no critical cut-off",
        "question": "Question",
        "no_question": "(The instrument states no question for this item.)",
        "facts": "Item facts",
        "type": "Response type",
        "types": {
            "ordinal": "ordinal (one of the options)",
            "yes_no": "yes/no (1 = yes, 0 = no)",
            "count": "count (a whole number)",
            "months": "months",
            "amount": "amount",
        },
        "weight": "Weight",
        "weight_value": "{weight} ({share} of the dimension's weight)",
        "required": "Required",
        "yes": "yes",
        "no": "no",
        "critical": "Critical cut-off",
        "critical_value": "a critical factor at severity ≥ {v}",
        "no_critical": "none",
        "options": "Options",
        "option_cols": ["Code", "Option", "Anchor: choose this option when…", "Severity"],
        "yes_no_cols": ["Answer", "Code", "Severity"],
        "unit": "Unit",
        "no_unit": "(no unit)",
        "range": "Valid values",
        "range_value": "{min} to {max}",
        "range_open": "from {min} (no maximum)",
        "whole": "; whole numbers only",
        "outside": "A value outside the valid values is rejected, never clamped.",
        "curve": "Severity by value",
        "curve_cols": ["Value", "Severity"],
        "linear": (
            "Between two points the severity is interpolated along a straight line; below the first "
            "point it is the first point's, above the last the last point's."
        ),
        "step": (
            "Each point holds its severity until the next point (steps); below the first point it is "
            "the first point's, from the last point on the last point's."
        ),
        "rationale": "Rationale",
        "rationale_note": "",
        "references": "References",
        "percent": "{v}%",
    },
}


def number(value, lang: str) -> str:
    """A number as written in the JSON, in its shortest form: 2.0 as 2, 0.55 as 0.55 (0,55)."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    text = str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))
    return text.replace(".", ",") if lang == "es" else text


def percent(share: float, lang: str) -> str:
    """A share in [0, 1] as a percentage with at most one decimal."""
    text = f"{100.0 * share:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    if lang == "es":
        text = text.replace(".", ",")
    return TEXT[lang]["percent"].format(v=text)


def cell(text: str) -> str:
    """Text for a Markdown table cell: no line breaks, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def table(header: list, rows: list) -> list:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


def label(obj: dict, lang: str, fallback: str) -> str:
    """A label in `lang`, or in the instrument's default language when it lacks it."""
    return obj.get(lang) or obj.get(fallback, "")


def manual(instrument: dict, lang: str, source: str) -> str:
    t = TEXT[lang]
    default = instrument["default_language"]
    lab = lambda obj: label(obj, lang, default)  # noqa: E731
    dimensions = instrument["dimensions"]
    items = instrument["items"]
    total_dimension_weight = sum(d["weight"] for d in dimensions)
    items_of = {d["id"]: [i for i in items if i["dimension"] == d["id"]] for d in dimensions}

    out = [f"# {t['title']}: {lab(instrument['name'])}", ""]
    out += [t["generated"].format(source=source, source_link="../" + source), ""]
    out += [t["identity"].format(id=instrument["id"], version=instrument["version"]), ""]
    if "description" in instrument:
        out += [lab(instrument["description"]), ""]
    out += [t["status"], ""]

    out += [f"## {t['contents']}", ""]
    out += [f"- [{t['how_to_rate']}](#how-to-rate)", f"- [{t['levels']}](#levels)",
            f"- [{t['alerts']}](#alerts)", f"- [{t['dimensions']}](#dimensions)"]
    for d in dimensions:
        out.append(f"  - [{lab(d['label'])}](#{d['id']})")
    out.append("")

    # How to rate
    window = instrument.get("rating_window_days")
    required = [f"`{i['id']}` ({lab(i['label'])})" for i in items if i["required"]]
    none = "ninguno" if lang == "es" else "none"
    out += ['<a id="how-to-rate"></a>', "", f"## {t['how_to_rate']}", ""]
    for rule in t["rules"]:
        out.append("- " + rule.format(
            window=t["window"].format(days=window) if window else t["no_window"],
            composite=percent(instrument["composite"]["min_coverage"], lang),
            required=", ".join(required) if required else none))
    out.append("")

    # Levels
    out += ['<a id="levels"></a>', "", f"## {t['levels']}", "", t["levels_intro"], ""]
    out += table(t["level_cols"], [
        [lab(level["label"]), f"`{level['id']}`", number(level["min_score"], lang),
         lab(level["description"]) if "description" in level else ""]
        for level in instrument["levels"]])
    out.append("")

    # Alerts
    out += ['<a id="alerts"></a>', "", f"## {t['alerts']}", ""]
    alerts = instrument.get("alerts", {})
    rules = []
    for key, words in t["alert_rules"].items():
        if key not in alerts or alerts[key] is False:
            continue
        value = alerts[key]
        shown = ""
        if key == "reassessment_overdue_days":
            shown = number(value, lang)
        elif key == "dimension_worsening":
            shown = t["points"].format(v=number(value, lang), points=number(round(100.0 * value, 6), lang))
        rules.append(f"- `{key}`: " + words.format(v=shown))
    out += rules if rules else [t["no_alerts"]]
    out.append("")

    # Dimensions overview
    out += ['<a id="dimensions"></a>', "", f"## {t['dimensions']}", ""]
    out += table(t["dimension_cols"], [
        [f"[{lab(d['label'])}](#{d['id']})", f"`{d['id']}`", number(d["weight"], lang),
         percent(d["weight"] / total_dimension_weight, lang), percent(d["min_coverage"], lang),
         number(d["deprivation_cutoff"], lang),
         number(d["critical_cutoff"], lang) if "critical_cutoff" in d else "—",
         str(len(items_of[d["id"]]))]
        for d in dimensions])
    out.append("")

    for d in dimensions:
        out += [f'<a id="{d["id"]}"></a>', "", f"### {lab(d['label'])} (`{d['id']}`)", ""]
        if "description" in d:
            out += [lab(d["description"]), ""]
        critical = (t["dimension_critical"].format(v=number(d["critical_cutoff"], lang))
                    if "critical_cutoff" in d else t["dimension_no_critical"])
        out += [t["dimension_facts"].format(
            weight=number(d["weight"], lang), share=percent(d["weight"] / total_dimension_weight, lang),
            coverage=percent(d["min_coverage"], lang), deprivation=number(d["deprivation_cutoff"], lang),
            critical=critical), ""]
        dimension_item_weight = sum(i["weight"] for i in items_of[d["id"]])
        for item in items_of[d["id"]]:
            out += item_section(item, lab, t, lang, dimension_item_weight)

    return "\n".join(out).rstrip("\n") + "\n"


def item_section(item: dict, lab, t: dict, lang: str, dimension_item_weight: float) -> list:
    response = item["response"]
    kind = response["type"]
    out = [f'<a id="{item["id"]}"></a>', "", f"#### `{item['id']}`: {lab(item['label'])}", ""]
    out += [f"**{t['question']}.** " + (lab(item["question"]) if "question" in item else t["no_question"]), ""]

    facts = [
        [t["type"], t["types"][kind]],
        [t["weight"], t["weight_value"].format(weight=number(item["weight"], lang),
                                               share=percent(item["weight"] / dimension_item_weight, lang))],
        [t["required"], t["yes"] if item["required"] else t["no"]],
        [t["critical"], t["critical_value"].format(v=number(item["critical_cutoff"], lang))
         if "critical_cutoff" in item else t["no_critical"]],
    ]
    if kind in ("count", "months", "amount"):
        low = response.get("min", 0)
        if "max" in response:
            valid = t["range_value"].format(min=number(low, lang), max=number(response["max"], lang))
        else:
            valid = t["range_open"].format(min=number(low, lang))
        if kind == "count":
            valid += t["whole"]
        facts.append([t["unit"], lab(response["unit"]) if "unit" in response else t["no_unit"]])
        facts.append([t["range"], valid])
    out += table([t["facts"], ""], facts)
    out.append("")

    if kind == "ordinal":
        out += [f"**{t['options']}.**", ""]
        out += table(t["option_cols"], [
            [str(o["value"]), lab(o["label"]), lab(o["anchor"]), number(o["severity"], lang)]
            for o in response["options"]])
        out.append("")
    elif kind == "yes_no":
        out += table(t["yes_no_cols"], [
            [t["yes"], "1", number(response["severity_yes"], lang)],
            [t["no"], "0", number(response["severity_no"], lang)],
        ])
        out.append("")
    else:
        curve = response["severity"]
        out += [f"**{t['curve']}.** " + t[curve["interpolation"]] + " " + t["outside"], ""]
        out += table(t["curve_cols"], [[number(x, lang), number(s, lang)] for x, s in curve["points"]])
        out.append("")

    if "rationale" in item:
        note = f" {t['rationale_note']}" if t["rationale_note"] else ""
        out += [f"**{t['rationale']}**{note}. {item['rationale']}", ""]
    if item.get("references"):
        out += [f"**{t['references']}:**", ""]
        out += [f"- {reference}" for reference in item["references"]]
        out.append("")
    return out


def write_manuals(instrument_path: pathlib.Path, output: pathlib.Path) -> list:
    instrument = json.loads(instrument_path.read_text(encoding="utf-8"))
    try:
        source = instrument_path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        source = instrument_path.name
    written = []
    for lang in LANGUAGES:
        path = output / f"instrument-manual.{lang}.md"
        path.write_text(manual(instrument, lang, source), encoding="utf-8")
        written.append(path)
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instrument", type=pathlib.Path, default=DEFAULT_INSTRUMENT)
    parser.add_argument("--output", type=pathlib.Path, default=DEFAULT_OUTPUT,
                        help="directory to write instrument-manual.<lang>.md into")
    parser.add_argument("--check", action="store_true",
                        help="regenerate into a temporary directory and fail if the files in --output differ")
    args = parser.parse_args(argv)
    if not args.check:
        for path in write_manuals(args.instrument, args.output):
            print(f"wrote {path}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        stale = 0
        for fresh in write_manuals(args.instrument, pathlib.Path(tmp)):
            committed = args.output / fresh.name
            old = committed.read_text(encoding="utf-8").splitlines(keepends=True) if committed.exists() else []
            new = fresh.read_text(encoding="utf-8").splitlines(keepends=True)
            if old == new:
                print(f"{committed}: up to date")
                continue
            stale += 1
            sys.stdout.writelines(difflib.unified_diff(old, new, str(committed), f"regenerated {fresh.name}", n=1))
            print(f"\n{committed} differs from {args.instrument}: run /usr/bin/python3 docs/tools/instrument_manual.py")
        return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
