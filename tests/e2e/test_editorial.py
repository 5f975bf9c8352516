"""An editor writes, illustrates and publishes a story in the admin; a reader sees it."""

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from playwright.sync_api import expect

from articles.models import Article
from articles.services import image_create
from tests.factories import ArticleFactory, AuthorFactory, png_bytes, staff_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_editor_publishes_a_rich_text_story_with_a_hero_image_that_readers_see(
    page, browser, live_server, tmp_path
):
    editor = staff_user("edith", "Editor")
    editor.set_password("correct horse battery staple")
    editor.save()
    AuthorFactory(display_name="Mara Ellison", slug="mara-ellison")
    photo = tmp_path / "bridge.png"
    photo.write_bytes(png_bytes(2000, 1200))
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto("/admin/")
    page.get_by_label("Username").fill("edith")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My drafts")).to_be_visible()

    page.goto("/admin/articles/article/add/")
    page.get_by_label("Headline").press_sequentially("Harbour bridge reopens at dawn")
    expect(page.get_by_label("Slug")).to_have_value("harbour-bridge-reopens-at-dawn")
    editor_area = page.locator(".ProseMirror[contenteditable=true]")
    # An empty body is a page to write on, not a one-line box.
    assert editor_area.bounding_box()["height"] >= 400
    editor_area.click()
    page.keyboard.type("The first buses crossed at six. ")
    page.keyboard.press("Control+b")
    page.keyboard.type("Commuters cheered.")
    page.keyboard.press("Control+b")

    page.set_input_files("#id_hero_upload", str(photo))
    page.get_by_label("Alternative text").fill("Buses on the harbour bridge at sunrise")
    page.get_by_label("Caption").fill("The first buses cross the reopened bridge.")
    page.get_by_label("Credit").fill("Ana Ruiz")

    page.locator("#bylines-0 .select2-selection").click()
    page.locator(".select2-search__field").fill("Mara")
    page.locator(".select2-results__option", has_text="Mara Ellison").click()

    page.get_by_label("Status").select_option("published")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    article = Article.objects.get(slug="harbour-bridge-reopens-at-dawn")
    assert "<strong>Commuters cheered.</strong>" in article.body
    assert article.created_by == editor

    reader = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    reader_page = reader.new_page()
    reader_page.goto("/")
    # The home page leads with the story and its picture, a rendition sized for the phone.
    lead = reader_page.locator(".card--lead")
    lead_image = lead.get_by_role("img", name="Buses on the harbour bridge at sunrise")
    expect(lead_image).to_be_visible()
    expect(lead_image).to_have_js_property("complete", True)
    assert lead_image.evaluate("img => img.currentSrc").endswith(".webp")
    assert lead_image.evaluate("img => img.naturalWidth") < 2000
    lead.get_by_role("link", name="Harbour bridge reopens at dawn", exact=True).click()
    expect(reader_page.get_by_role("heading", level=1)).to_have_text(
        "Harbour bridge reopens at dawn"
    )
    expect(reader_page.locator(".article__body strong")).to_have_text("Commuters cheered.")
    hero = reader_page.get_by_role("img", name="Buses on the harbour bridge at sunrise")
    expect(hero).to_be_visible()
    assert ".webp" in hero.get_attribute("srcset")
    # On a phone the browser picks a rendition, never the 2000-pixel original.
    loaded = hero.evaluate("img => img.currentSrc")
    assert loaded.endswith(".webp")
    assert hero.evaluate("img => img.naturalWidth") < 2000
    reader.close()


WORD_HTML = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><body><!--StartFragment-->
<p class=MsoNormal style='margin-bottom:0cm;line-height:normal'><b><span style='font-size:14.0pt;
font-family:"Calibri",sans-serif;color:red'>Council votes</span></b><span
style='mso-fareast-font-family:"Times New Roman"'> on the <i>budget</i><o:p></o:p></span></p>
<h1 style="mso-list:l0">Big heading</h1>
<table class=MsoTableGrid><tr><td>cell text</td></tr></table>
<img src="file:///C:/Users/reporter/clip_image001.png" onerror="alert(1)">
<!--EndFragment--></body></html>"""


def test_text_pasted_from_a_word_processor_comes_in_clean(page):
    writer = staff_user("wendy", "Writer")
    writer.set_password("correct horse battery staple")
    writer.save()
    article = ArticleFactory(draft=True, created_by=writer, body="<p>Draft.</p>")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("wendy")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/admin/articles/article/{article.pk}/change/")

    body = page.locator(".ProseMirror[contenteditable=true]")
    body.click()
    page.keyboard.press("Control+a")
    body.evaluate(
        """(el, html) => {
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", "Council votes on the budget");
            const options = {clipboardData: data, bubbles: true, cancelable: true};
            el.dispatchEvent(new ClipboardEvent("paste", options));
        }""",
        WORD_HTML,
    )
    expect(body.locator("strong")).to_have_text("Council votes")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    article.refresh_from_db()
    stored = article.body
    assert "<strong>Council votes</strong>" in stored
    assert "<em>budget</em>" in stored
    assert "Big heading" in stored
    assert "cell text" in stored
    for junk in ("style=", "class=", "Mso", "<o:p", "<h1", "<table", "<img", "onerror", "file:"):
        assert junk not in stored, junk


def test_an_editor_inserts_a_library_image_in_the_body_and_readers_get_renditions(page):
    editor = staff_user("edith", "Editor")
    editor.set_password("correct horse battery staple")
    editor.save()
    image = image_create(
        file=SimpleUploadedFile("quay.png", png_bytes(1800, 1200)),
        alt_text="The quay",
        caption="c",
        credit="d",
    )
    article = ArticleFactory(created_by=editor, body="<p>Intro.</p>")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("edith")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/admin/articles/article/{article.pk}/change/")

    # The story's body (a live story's scheduled-update form has an editor too).
    page.locator(".ProseMirror[contenteditable=true] p").first.click()
    page.keyboard.press("End")
    page.locator(".prose-menubar [title=figure]").first.click()
    dialog = page.locator("dialog[open]")
    dialog.get_by_label("Image URL").fill(image.file.url)
    dialog.get_by_label("Alternative Text").fill("Boats at the quay")
    dialog.get_by_label("Caption").fill("The quay this morning.")
    dialog.get_by_role("button", name="Insert").click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(article.get_absolute_url())
    picture = page.get_by_role("img", name="Boats at the quay")
    expect(picture).to_be_visible()
    expect(page.locator(".article__body figcaption")).to_have_text("The quay this morning.")
    # Body pictures load lazily: wait until the browser has fetched the one it chose.
    picture.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.currentSrc", arg=picture.element_handle())
    assert picture.evaluate("img => img.currentSrc").endswith(".webp")
    assert picture.evaluate("img => img.naturalWidth") < 1800
