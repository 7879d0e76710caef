"""Screenshots of the demo for the README: run `make demo` in one terminal,
then `.venv/bin/python docs/take_screenshots.py` (needs /usr/bin/chromium)."""

import base64
import hashlib
import hmac
import os
import struct
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = os.environ.get("BASE_URL", "http://127.0.0.1:8000")
OUT = Path(__file__).parent / "screenshots"
PASSWORD = "union-demo-password"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp(secret: str, offset: int = 0) -> str:
    counter = int(time.time()) // 30 + offset
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    start = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[start:start + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def sign_in(page, email: str, officer: bool):
    page.goto(f"{BASE}/accounts/login/")
    page.get_by_text("Sign in with a password instead").click()
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("details").get_by_role("button", name="Sign in").click()
    if officer:
        page.locator("input[name=code]").fill(totp(SECRET))
        page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()


def shot(page, name: str, path: str, width: int = 1280, full: bool = True):
    page.set_viewport_size({"width": width, "height": 844 if width <= 420 else 900})
    page.goto(f"{BASE}{path}")
    page.screenshot(path=str(OUT / name), full_page=full)
    print("wrote", OUT / name)


PHONE = 390  # the width every page must fit (issue 16's check)


def main():
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        shot(page, "sign-in.png", "/accounts/login/", width=PHONE)
        sign_in(page, "member@demo.unionhall.test", officer=False)
        read_privacy_notice(page)
        shot(page, "member-home.png", "/", width=PHONE)
        shot(page, "my-details.png", "/me/")
        shot(page, "directory.png", "/directory/", full=False)
        shot(page, "ballots.png", "/ballots/", width=PHONE)
        shot(page, "ballot-detail.png", "/ballots/demo-workload-ballot/", width=PHONE)
        page.set_viewport_size({"width": PHONE, "height": 844})
        page.goto(f"{BASE}/ballots/demo-workload-ballot/vote/")
        page.get_by_label("Yes").check()
        page.screenshot(path=str(OUT / "booth.png"), full_page=True)
        page.get_by_role("button", name="Encrypt my vote").click()
        page.screenshot(path=str(OUT / "booth-encrypted.png"), full_page=True)
        page.get_by_role("button", name="Cast this vote").click()
        page.get_by_role("heading", name="Your vote is cast").wait_for()
        page.screenshot(path=str(OUT / "booth-cast.png"), full_page=True)
        page.get_by_role("link", name="Find it in the ballot box").click()
        page.locator(".find-answer").wait_for()
        page.screenshot(path=str(OUT / "board.png"), full_page=False)  # the finder and the highlighted tracker
        print("wrote", OUT / "board.png")
        shot(page, "result.png", "/ballots/demo-pay-ballot/result/", width=PHONE)
        page.goto(f"{BASE}/bulletins/")
        page.get_by_role("link", name="Why we are asking about caseloads").first.click()  # the one with a discussion
        page.set_viewport_size({"width": PHONE, "height": 844})
        page.screenshot(path=str(OUT / "bulletin.png"), full_page=True)
        print("wrote", OUT / "bulletin.png")
        page.context.clear_cookies()
        sign_in(page, "secretary@demo.unionhall.test", officer=True)
        read_privacy_notice(page)
        shot(page, "register-search.png", "/register/?status=active", full=False)
        page.context.clear_cookies()
        time.sleep(31 - time.time() % 30)  # a TOTP code is used once
        sign_in(page, "admin@demo.unionhall.test", officer=True)
        read_privacy_notice(page)
        shot(page, "statutory.png", "/mandates/demo-statutory-ballot/", width=PHONE)
        shot(page, "turnout.png", "/ballots/demo-workload-ballot/turnout/", width=PHONE)
        shot(page, "import.png", "/register/import/")
        shot(page, "offices.png", "/register/offices/", full=False)
        browser.close()
    return 0


def read_privacy_notice(page):
    """The demo publishes a privacy notice, shown once before anything else."""
    if page.get_by_role("button", name="I have read it").count():
        page.get_by_role("button", name="I have read it").click()
        page.wait_for_load_state()


if __name__ == "__main__":
    sys.exit(main())
