"""The build report: rows read, matched, unmatched with reasons and examples, counts."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

MAX_EXAMPLES = 20


@dataclass
class Report:
    rows_read: dict[str, int] = field(default_factory=dict)
    matches: Counter = field(default_factory=Counter)
    reasons: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    examples: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    notes: list[str] = field(default_factory=list)
    counts: dict[str, object] = field(default_factory=dict)

    def read(self, path: str, rows: int) -> None:
        self.rows_read[path] = self.rows_read.get(path, 0) + rows

    def matched(self, section: str, number: int = 1) -> None:
        self.matches[section] += number

    def unmatched(self, section: str, reason: str, example: str) -> None:
        self.reasons[section][reason] += 1
        examples = self.examples[section, reason]
        if len(examples) < MAX_EXAMPLES and example not in examples:
            examples.append(example)

    def note(self, text: str) -> None:
        self.notes.append(text)

    def as_dict(self) -> dict:
        return {
            "rows_read": dict(sorted(self.rows_read.items())),
            "matched": dict(sorted(self.matches.items())),
            "unmatched": {
                section: dict(sorted(reasons.items()))
                for section, reasons in sorted(self.reasons.items())
            },
            "counts": self.counts,
        }

    def render(self) -> str:
        lines = ["Twinning Atlas dataset build report", "", "Rows read"]
        lines += [f"  {rows:>8,}  {path}" for path, rows in sorted(self.rows_read.items())]
        lines += ["", "Matched"]
        lines += [f"  {number:>8,}  {section}" for section, number in sorted(self.matches.items())]
        lines += ["", "Not matched, by reason (with up to 20 examples)"]
        for section, reasons in sorted(self.reasons.items()):
            lines.append(f"  {section}")
            for reason, number in sorted(reasons.items(), key=lambda item: (-item[1], item[0])):
                lines.append(f"    {number:>8,}  {reason}")
                for example in self.examples[section, reason]:
                    lines.append(f"                - {example}")
        lines += ["", "Notes"] + [f"  {note}" for note in self.notes]
        lines += ["", "Counts"]
        for key, value in self.counts.items():
            if isinstance(value, dict):
                lines.append(f"  {key}")
                lines += [f"    {name}: {number:,}" for name, number in value.items()]
            else:
                lines.append(
                    f"  {key}: {value:,}" if isinstance(value, int) else f"  {key}: {value}"
                )
        return "\n".join(lines) + "\n"
