"""Hostile and unlucky YAML, made from a good file: every value found with its field path and place,
so a test can put a self-reference, a control character or deep nesting exactly there."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from dataclasses import dataclass

import yaml


@dataclass(frozen=True)
class Value:
    path: str  # as the error messages name it: articles[0].sections[0].heading
    start: int  # character offsets of the value in the text
    end: int
    line: int  # 1-based, where the value starts


def values(text: str) -> list[Value]:
    """Every value of a YAML document (the document itself aside), in the order they are written; an aliased
    value once, where its anchor is."""
    found: list[Value] = []
    stack, seen = [(yaml.compose(text, Loader=yaml.CSafeLoader), "")], set()
    while stack:
        node, path = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if path:
            found.append(Value(path, node.start_mark.index, node.end_mark.index, node.start_mark.line + 1))
        if isinstance(node, yaml.MappingNode):
            stack.extend((value, f"{path}.{key.value}" if path else key.value) for key, value in node.value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, f"{path}[{index}]") for index, item in enumerate(node.value))
    return sorted(found, key=lambda value: value.start)


def replaced(text: str, value: Value, new: str) -> str:
    """The text with one value written anew; a block value keeps its own line(s)."""
    ending = "\n" if text[value.start:value.end].endswith("\n") else ""
    return text[:value.start] + new + ending + text[value.end:]


def self_references(text: str, value: Value) -> list[str]:
    """The text with the value made to contain itself: as a list, as a mapping, and as the whole document."""
    return [replaced(text, value, "&loop [*loop, x]"), replaced(text, value, "&loop {again: *loop}"),
            "--- &document\n" + replaced(text, value, "*document")]


class TookTooLong(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Stop the code inside after `seconds` (a hang becomes a failure, not a stuck test run)."""
    def stop(signum, frame):
        raise TookTooLong(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
