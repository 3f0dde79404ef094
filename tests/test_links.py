"""UTM tagging keeps every link working: existing queries, fragments and explicit UTM values stay."""

from newsletter.render.templating import add_utm

UTM = {"source": "newsletter", "medium": "email", "campaign": "2026-11", "content": "de"}


def test_utm_parameters_are_added_after_an_existing_query_and_before_the_fragment():
    tagged = add_utm("https://www.example.com/faq/?topic=exosomes#legal", UTM)
    assert tagged == ("https://www.example.com/faq/?topic=exosomes&utm_source=newsletter&utm_medium=email"
                      "&utm_campaign=2026-11&utm_content=de#legal")


def test_explicit_utm_values_in_a_link_are_kept():
    tagged = add_utm("https://www.example.com/?utm_campaign=spring", UTM)
    assert "utm_campaign=spring" in tagged and "utm_campaign=2026-11" not in tagged


def test_placeholders_and_non_web_links_are_left_alone():
    for url in ("[[unsubscribe_url]]", "mailto:office@example.com", "tel:+15550100"):
        assert add_utm(url, UTM) == url
