"""The normalised company-name key of 撞单 (``company_name_key``): two spellings of one company, one key.

The rule (docs/collisions.md says it in full):

- the text is folded (NFKC: full-width ``（Ａ）`` → ``(A)``; lower case);
- a branch is its company: everything from the end of the legal form to a trailing 分公司/分厂/办事处/分部/
  分店/分中心/branch goes (“xx有限公司杭州分公司” → “xx有限公司”);
- legal forms go wherever they stand: 股份有限公司, 有限责任公司, 有限公司, 集团, 公司, and co./ltd./inc./corp./
  limited/company/group as whole words;
- region words go when they lead the name (杭州, 浙江省, 中国…, repeatedly) or stand in brackets (“（杭州）”);
- then every character that is not a letter, a digit or a CJK character goes (punctuation, brackets, spaces).

What is left is the core word with its digits and Chinese numerals, kept as written: 科技一号 and 科技二号 have
different keys, and so do two names whose core word differs. A key never comes out empty: when the stripping
would leave nothing (a name that is only “杭州有限公司”), the name's characters are kept instead.

``numeral_signature`` is the sequence of digits and Chinese numerals in a key: the trigram match (PostgreSQL)
never pairs two keys whose signatures differ.
"""

import re
import unicodedata

LEGAL_FORMS = ("股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "集团", "公司")
# The English ones as whole words: “co., ltd.”, “inc”, “corp.”, “limited”, …
_ENGLISH_LEGAL = r"\b(?:co\.?\s*,?\s*ltd|co|ltd|inc|corp|corporation|limited|company|group)\b\.?"
BRANCH_WORDS = ("分公司", "分厂", "办事处", "分部", "分店", "分中心", "branch office", "branch")
# Provinces, municipalities and the cities officers meet most; a leading 省/市/区 goes with them.
REGIONS = (
    "中国", "浙江", "杭州", "宁波", "温州", "绍兴", "嘉兴", "湖州", "金华", "衢州", "舟山", "台州", "丽水",
    "北京", "上海", "天津", "重庆", "江苏", "南京", "苏州", "无锡", "常州", "广东", "广州", "深圳", "东莞", "佛山",
    "安徽", "合肥", "福建", "厦门", "福州", "山东", "青岛", "济南", "湖北", "武汉", "湖南", "长沙", "四川", "成都",
    "河南", "郑州", "河北", "陕西", "西安", "江西", "辽宁", "大连", "沈阳", "香港", "澳门", "台湾",
    "china", "hangzhou", "zhejiang", "shanghai", "beijing", "shenzhen",
)
KEY_MAX_LENGTH = 200  # Enterprise.name_key
NUMERALS = "0123456789零〇一二三四五六七八九十百千万两壹贰叁肆伍陆柒捌玖拾佰仟"

_REGION = "(?:" + "|".join(map(re.escape, REGIONS)) + ")(?:省|市|区|特别行政区)?"
_LEGAL = "|".join([*map(re.escape, LEGAL_FORMS), _ENGLISH_LEGAL])
_BRANCH = "(?:" + "|".join(map(re.escape, BRANCH_WORDS)) + ")"
_BRANCH_AFTER_LEGAL = re.compile(rf"^(.*?(?:{_LEGAL}))[^()]*?{_BRANCH}$")
_REGION_BRANCH_TAIL = re.compile(rf"\s*(?:{_REGION})?\s*{_BRANCH}$")
_BRACKETED_REGION = re.compile(rf"[(\[]\s*{_REGION}\s*[)\]]")
_LEADING_REGION = re.compile(rf"^[\s(\[]*{_REGION}[\s)\]]*")
_LEGAL_FORM = re.compile(_LEGAL)
_NOT_WORD = re.compile(r"[\W_]+")
_NUMERAL = re.compile(f"[{NUMERALS}]")


def _fold(name: str) -> str:
    return unicodedata.normalize("NFKC", name or "").lower().strip()


def company_name_key(name: str) -> str:
    """“浙江西湖阳光科技股份有限公司杭州分公司” → “西湖阳光科技”; see the module's rule."""
    text = _fold(name)
    branch = _BRANCH_AFTER_LEGAL.match(text)
    text = branch.group(1) if branch else _REGION_BRANCH_TAIL.sub("", text)
    text = _BRACKETED_REGION.sub("", text)
    text = _LEGAL_FORM.sub(" ", text)
    while True:
        shorter = _LEADING_REGION.sub("", text, count=1)
        if shorter == text or not _NOT_WORD.sub("", shorter):
            break
        text = shorter
    key = _NOT_WORD.sub("", text) or _NOT_WORD.sub("", _fold(name))
    return key[:KEY_MAX_LENGTH]  # NFKC may lengthen a name (“㈱” → “(株)”): the key fits its column


def numeral_signature(key: str) -> str:
    """The digits and Chinese numerals of a key, in order: “科技一号2期” → “一2”."""
    return "".join(_NUMERAL.findall(key or ""))
