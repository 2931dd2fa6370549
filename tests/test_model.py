"""The model dump (our `pandoc -t native`) against a golden file."""

from deckbook.load import load_course
from deckbook.model import dump


def test_dump_golden(mini, golden):
    course = load_course(mini)
    golden("mini.dump.txt", dump(course, course.root))
