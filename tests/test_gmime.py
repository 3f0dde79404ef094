"""The .eml export and the proofs as GMime reads them: the library under mu/mu4e, notmuch, Geary,
Balsa and Evolution's composer (Debian's gir1.2-gmime-3.0, through PyGObject).

GMime joins adjacent encoded words of one charset before decoding them, and its base64 decoder stops
at the first `=` pad, so a non-final base64 word that ends in padding cut the subject short
(`الإكسوسومات في الجرا`). RFC 2047 §2 allows such words, but nothing requires them:
https://www.rfc-editor.org/rfc/rfc2047#section-5 ("each 'encoded-word' MUST represent an integral
number of characters"), GMime's decoder: https://github.com/jstedfast/gmime/blob/master/gmime/gmime-utils.c
(rfc2047_decode_tokens, which concatenates the payloads of adjacent words).
"""

from __future__ import annotations

import pytest

from newsletter.providers.eml import encoded_words
from tests.test_export import LOCALES, send_py

gi = pytest.importorskip("gi")
try:
    gi.require_version("GMime", "3.0")
    from gi.repository import GMime
except (ValueError, ImportError):
    pytest.skip("GMime 3 is not installed (Debian: gir1.2-gmime-3.0)", allow_module_level=True)

GMime.init()
PSEUDO = ("en_XA", "ar_XB")


def gmime_subject(data: bytes) -> str:
    """The Subject of the message as GMime's parser reads it from the raw bytes."""
    parser = GMime.Parser.new_with_stream(GMime.StreamMem.new_with_buffer(data))
    message = parser.construct_message(None)
    assert message is not None, "GMime could not parse the message"
    return message.get_subject()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The sample issue rendered in every locale and both pseudo-locales, checked as the export checks it."""
    import shutil

    from newsletter.delivery.export import build_for_send
    from newsletter.report import BuildReport
    from newsletter.model.settings import load_settings
    from tests.conftest import PROJECT_FILES, REPO

    root = tmp_path_factory.mktemp("gmime") / "project"
    root.mkdir()
    for name in PROJECT_FILES:
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy2)(REPO / name, root / name)
    settings = load_settings(root)
    return root, settings, build_for_send(settings, "2026-11", [*LOCALES, *PSEUDO], BuildReport(), external_checks=False)


def test_gmime_reads_every_exported_subject_whole(built):
    root, _, issue = built
    assert send_py("2026-11", cwd=root).returncode == 0
    subjects = {email.locale: email.subject for email in issue.emails}
    read = {locale: gmime_subject((root / "dist" / "2026-11" / "eml" / f"{locale}.eml").read_bytes())
            for locale in LOCALES}
    assert read == {locale: subjects[locale] for locale in LOCALES}


def test_gmime_reads_every_proof_subject_whole(built):
    from newsletter.delivery.proof import proof_message

    _, settings, issue = built
    wrong = {}
    for email in issue.emails:
        message = proof_message(email, settings, issue, ["reviewer@example.com"])
        subject = str(message["Subject"])
        assert subject.startswith(f"[PROOF {email.locale}")
        if gmime_subject(message.as_bytes()) != subject:
            wrong[email.locale] = gmime_subject(message.as_bytes())
    assert not wrong, wrong


@pytest.mark.parametrize("text", ["الإكسوسومات في الجراحة التجميلية: ما هي وما هو القانوني",
                                  "[PROOF zh_Hans] 整形外科中的外泌体：它们是什么，什么是合法的",
                                  "a" + "外" * 40, "é" * 60, "🙂 " * 30])
def test_every_encoded_word_decodes_alone_and_together(text):
    """Each word is whole characters (RFC 2047 §5) and the words joined are the text, in GMime."""
    words = encoded_words(text)
    assert all(len(word) <= 75 for word in words)
    assert GMime.utils_header_decode_text(None, " ".join(words)) == text
    assert "".join(GMime.utils_header_decode_text(None, word) for word in words) == text
