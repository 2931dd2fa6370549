"""The words deckbook writes itself — contents, callout titles, "(cont.)", "faster" — in the course's language.

Both outputs take them from here, so a slide and a page never disagree on a word.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Labels:
    """The few words deckbook writes itself on slides and pages, in the course's language."""

    contents: str = "Contents"
    trainer_notes: str = "Trainer notes"
    trainer_edition: str = "Trainer edition"
    version: str = "Version"
    date: str = "Date"
    authors: str = "Authors"
    tip: str = "Tip"
    note: str = "Note"
    warning: str = "Warning"
    cont: str = "(cont.)"
    see: str = "see"
    page: str = "page"
    code: str = "code"
    decision_tree: str = "Decision tree"
    chart: str = "Bar chart"
    table: str = "Table"
    rows: str = "rows"
    metric: str = "Metric"
    change: str = "Change"
    yes: str = "yes"
    no: str = "no"
    faster: str = "faster"  # "2.2× faster": a time that fell to half or less
    slower: str = "slower"
    better: str = "better"  # the same for any other measure
    worse: str = "worse"
    does_not_compile: str = "does not compile"  # a compile_fail code block's mark
    exercise: str = "Exercise"  # teaching a day: labs, objectives, the schedule
    solution: str = "Solution"
    solutions: str = "Solutions"  # the title of the solutions handout
    objectives: str = "Objectives"
    agenda: str = "Agenda"
    schedule: str = "Schedule"
    day: str = "Day"  # "Day 2"
    break_: str = "Break"
    lunch: str = "Lunch"
    recap: str = "Recap"
    time: str = "Time"
    topic: str = "Topic"
    duration: str = "Duration"


LABELS = {
    "en": Labels(),
    "de": Labels(contents="Inhalt", trainer_notes="Hinweise für Trainer", trainer_edition="Trainer-Ausgabe",
                 date="Datum", authors="Autoren", tip="Tipp", note="Hinweis", warning="Warnung",
                 cont="(Forts.)", see="siehe", page="Seite", code="Code", decision_tree="Entscheidungsbaum",
                 chart="Balkendiagramm", table="Tabelle", rows="Zeilen", metric="Messgröße", change="Änderung", yes="ja", no="nein",
                 faster="schneller", slower="langsamer", better="besser", worse="schlechter",
                 does_not_compile="kompiliert nicht",
                 exercise="Übung", solution="Lösung", solutions="Lösungen", objectives="Lernziele",
                 agenda="Ablauf", schedule="Zeitplan", day="Tag", break_="Pause", lunch="Mittagspause",
                 recap="Zusammenfassung", time="Zeit", topic="Thema", duration="Dauer"),
    "fr": Labels(contents="Sommaire", trainer_notes="Notes du formateur", trainer_edition="Édition formateur",
                 authors="Auteurs", tip="Astuce", warning="Attention", cont="(suite)", see="voir",
                 decision_tree="Arbre de décision", chart="Diagramme en barres", table="Tableau", rows="lignes", metric="Mesure",
                 change="Variation", yes="oui", no="non",
                 faster="plus rapide", slower="plus lent", better="meilleur", worse="pire",
                 does_not_compile="ne compile pas",
                 exercise="Exercice", solutions="Solutions", objectives="Objectifs", agenda="Programme",
                 schedule="Horaires", day="Jour", break_="Pause", lunch="Déjeuner", recap="Récapitulatif",
                 time="Heure", topic="Sujet", duration="Durée"),
}


def labels(language: str) -> Labels:
    """Return the labels for BCP 47 tag `language` (its primary subtag), English when unknown."""
    return LABELS.get(language.split("-")[0].lower(), LABELS["en"])
