"""Parse-only cases from the public kitchen-sink documents (fixtures/kitchen_sink/*.graphql).

Each fixture is one case, and broken variants of it are generated here: the document cut off
at token boundaries and inside tokens, each token deleted, doubled, swapped with the next one,
replaced by a snippet, and a snippet inserted before it. Every variant is parsed by graphql-core
and by our parser; whether it parses, and the syntax error's message and location, must agree.
"""

import os
from typing import Iterator, List, Tuple

from graphql import GraphQLSyntaxError
from graphql.language import Lexer, Source, TokenKind

from corpus import Case


def tokens(body: str) -> List[Tuple[int, int]]:
    """(start, end) of every token graphql-core's lexer reads, comments excluded; a character
    the lexer rejects (such as the '?' of client-controlled nullability) is one token."""
    lexer = Lexer(Source(body))
    out = []
    position = 0
    while True:
        try:
            token = lexer.read_next_token(position)
        except GraphQLSyntaxError as e:
            start = e.positions[0] if e.positions else position
            out.append((start, start + 1))
            position = start + 1
            continue
        if token.kind == TokenKind.EOF:
            return out
        if token.kind != TokenKind.COMMENT:
            out.append((token.start, token.end))
        position = token.end


# Snippets inserted before tokens and put in place of tokens, cycled through: punctuators,
# broken literals, keywords and characters the lexer rejects.
SNIPPETS = ["$", "@", '"', '"""', "#", "...", "&", "|", "=", "!", "[", "]", "{", "}", "(", ")",
            ":", "0", "-", ".", "\\", "on", "query", "\u00e9", "\t", "\n", "1.", '"\\u12"', "'",
            "01", "1e", "?", '"\\x"', "true", "null", "$$", "@@", ",", "..", "\u0007"]


def variants(body: str) -> Iterator[Tuple[str, str]]:
    """(name, text) of the broken variants; names say what was done where."""
    spans = tokens(body)
    cuts = set()
    for start, end in spans:
        cuts.update((start, end))
        if end - start > 2:  # inside names, numbers and strings
            cuts.update((start + 1, end - 1, (start + end) // 2))
    for offset in sorted(cuts):
        if 0 < offset < len(body):
            yield f"cut@{offset}", body[:offset]
    for i, (start, end) in enumerate(spans):
        yield f"delete#{i}@{start}", body[:start] + body[end:]
        yield f"double#{i}@{start}", body[:end] + " " + body[start:end] + body[end:]
    for i in range(len(spans) - 1):
        (s1, e1), (s2, e2) = spans[i], spans[i + 1]
        yield f"swap#{i}@{s1}", body[:s1] + body[s2:e2] + body[e1:s2] + body[s1:e1] + body[e2:]
    for i, (start, end) in enumerate(spans):
        inserted = SNIPPETS[i % len(SNIPPETS)]
        yield f"insert#{i}@{start}", body[:start] + inserted + body[start:]
        replacement = SNIPPETS[(i * 7 + 3) % len(SNIPPETS)]
        yield f"replace#{i}@{start}", body[:start] + replacement + body[end:]


def load(fixtures_dir: str) -> List[Case]:
    cases: List[Case] = []
    for name in sorted(os.listdir(fixtures_dir)):
        if not name.endswith(".graphql"):
            continue
        path = os.path.join(fixtures_dir, name)
        with open(path, encoding="utf-8", newline="") as f:
            body = f.read()
        stem = name[: -len(".graphql")]
        cases.append(Case(id=f"kitchen-sink/{stem}", file=path, line=1, query=body,
                          action="parse", options={"action": "parse"}))
        seen = {body}
        for variant, text in variants(body):
            if text in seen:
                continue
            seen.add(text)
            cases.append(Case(id=f"kitchen-sink/{stem}/{variant}", file=path, line=1,
                              query=text, action="parse", options={"action": "parse"}))
    return cases
