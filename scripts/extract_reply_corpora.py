#!/usr/bin/env python3
"""Turns the upstream reply-trimmer test suites copied under
tests/corpora/replies-talon/upstream and tests/corpora/replies-quotequail/upstream
into cases/NNN-name.txt + expected.json ({"file": {"reply": {"text": ...}}}), the
shape tests/understand_replies.rs reads for crisp and github.

Only literal test cases are taken (a string body and a string expectation);
cases whose body is built by code or whose behaviour is patched are skipped.
Standard python, no third-party module. Re-run after updating upstream/.
"""
import ast
import email
import email.iterators
import json
import os
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "corpora")


def literal(node, env):
    if isinstance(node, ast.Name):
        return env.get(node.id)
    try:
        value = ast.literal_eval(node)
    except Exception:
        return None
    return value


def is_call(node, name):
    return (
        isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Attribute) and node.func.attr == name)
            or (isinstance(node.func, ast.Name) and node.func.id == name)
        )
    )


def write(corpus, cases):
    out = os.path.join(ROOT, corpus, "cases")
    os.makedirs(out, exist_ok=True)
    for f in os.listdir(out):
        os.remove(os.path.join(out, f))
    expected = {}
    for i, (name, body, text) in enumerate(cases):
        file = "cases/%03d-%s.txt" % (i, name)
        with open(os.path.join(ROOT, corpus, file), "w", encoding="utf-8", newline="") as f:
            f.write(body)
        expected[file] = {"reply": {"text": text}}
    with open(os.path.join(ROOT, corpus, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False, sort_keys=True)
        f.write("\n")
    print(corpus, len(cases), "cases", file=sys.stderr)


def talon():
    up = os.path.join(ROOT, "replies-talon", "upstream")
    cases = []
    # 1. tests/fixtures/standard_replies: the text/plain part of each .eml,
    #    decoded as talon's test_standard_replies does; expected "Hello"
    #    unless NAME_reply_text says otherwise.
    std = os.path.join(up, "standard_replies")
    for fn in sorted(os.listdir(std)):
        if not fn.endswith(".eml"):
            continue
        with open(os.path.join(std, fn), encoding="utf-8", errors="replace") as f:
            msg = email.message_from_file(f)
        part = next(email.iterators.typed_subpart_iterator(msg, subtype="plain"))
        payload = part.get_payload(decode=True)
        charset = part.get_content_charset() or "utf-8"
        body = payload.decode(charset, errors="replace")
        expected_file = os.path.join(std, fn[:-4] + "_reply_text")
        text = "Hello"
        if os.path.isfile(expected_file):
            with open(expected_file, encoding="utf-8") as f:
                text = f.read().strip()
        cases.append(("standard-" + fn[:-4], body, text))
    # 2. tests/text_quotations_test.py: eq_(EXPECTED, quotations.extract_from_plain(BODY)).
    with open(os.path.join(up, "text_quotations_test.py"), encoding="utf-8") as f:
        tree = ast.parse(f.read())
    for fn in tree.body:
        if not isinstance(fn, ast.FunctionDef) or fn.decorator_list:
            continue
        env = {}
        n = 0
        for node in ast.walk(fn):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                v = literal(node.value, env)
                if isinstance(v, str):
                    env[node.targets[0].id] = v
        for node in ast.walk(fn):
            if not (is_call(node, "eq_") and len(node.args) >= 2):
                continue
            a, b = node.args[0], node.args[1]
            if is_call(a, "extract_from_plain"):
                a, b = b, a
            if not (is_call(b, "extract_from_plain") and len(b.args) == 1 and not b.keywords):
                continue
            text, body = literal(a, env), literal(b.args[0], env)
            if isinstance(text, str) and isinstance(body, str):
                n += 1
                cases.append((fn.name.replace("test_", "", 1) + ("" if n == 1 else "-%d" % n), body, text))
    write("replies-talon", cases)


def quotequail():
    up = os.path.join(ROOT, "replies-quotequail", "upstream")
    cases = []
    # tests/test_unwrap.py: parametrized (text, expected) where expected is the
    # unwrap() dict; its "text_top" is the new text above the quote. Cases with
    # a "text_bottom" (text under a forward) or without text_top are skipped.
    with open(os.path.join(up, "test_unwrap.py"), encoding="utf-8") as f:
        tree = ast.parse(f.read())
    for node in ast.walk(tree):
        if not isinstance(node, ast.Tuple) or len(node.elts) != 2:
            continue
        body, expected = literal(node.elts[0], {}), literal(node.elts[1], {})
        if not (isinstance(body, str) and isinstance(expected, dict)):
            continue
        if "text_top" not in expected or "text_bottom" in expected:
            continue
        cases.append(("unwrap-" + expected.get("type", "x"), body, expected["text_top"]))
    # tests/test_quote.py: (text, quote(), quote(quote_intro_line=True));
    # the latter's leading True chunk is the new text without the "On … wrote:"
    # line. Only cases with one True chunk (no interleaving) are taken.
    with open(os.path.join(up, "test_quote.py"), encoding="utf-8") as f:
        tree = ast.parse(f.read())
    for node in ast.walk(tree):
        if not isinstance(node, ast.Tuple) or len(node.elts) != 3:
            continue
        body, intro = literal(node.elts[0], {}), literal(node.elts[2], {})
        if not (isinstance(body, str) and isinstance(intro, list)):
            continue
        new = [t for keep, t in intro if keep]
        if len(new) != 1 or not intro[0][0]:
            continue
        cases.append(("quote", body, new[0]))
    write("replies-quotequail", cases)


if __name__ == "__main__":
    talon()
    quotequail()
