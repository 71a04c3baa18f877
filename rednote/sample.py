"""A deterministic, synthetic stand-in for the Kaggle crawl export ``tt_refugee.csv``.

The real export (4,117 Xiaohongshu/RedNote posts by "TikTok refugees", January 2025) cannot be shipped,
so :func:`generate_crawl` writes a fake one with the same 15 columns, the same messy string forms
(``1.2万``, ``10万+``, ``1/14/2025 12:08``, empty cells, duplicate rows) and a planted, documented
answer to the study's question, so that the pipeline has something real to find.

Everything is drawn from one ``numpy.random.default_rng(seed)``; no sets, ``hash()`` or clock are used,
so the same ``(n_posts, seed)`` always gives the same frame and the CLI the same bytes::

    python -m rednote.sample --posts 4117 --seed 2025 --out data/sample/tt_refugee_sample.csv

Users
-----
A pool of users is drawn i.i.d. and users are taken in pool order until their posts fill ``n_posts``
(minus the duplicates), so users grow in proportion to posts (about 0.8 users per post). The last user
taken may lose posts from the end of their timeline (March, then February, then January) to hit the
size exactly. Each user has

* a kind: ``cohort`` (97.5%; posts in January), ``feb_only`` (2%; first posts in February) or
  ``march_only`` (0.5%; one post in early March);
* a latent primary topic, one of :data:`TOPICS` (shares :data:`TOPIC_SHARE`); each post follows it
  with probability 0.8, otherwise it is about a topic drawn uniformly;
* a latent engagement level ``e ~ N(0, 1)`` that scales all of the user's counts;
* a writing language (English 78%, Chinese 22%) that drives their name, IP region and the language
  of most of their sentences.

January post counts are 1 for 93.5% of cohort users and ``1 + floor(U ** (-1/1.8))`` (a Pareto tail,
capped at 200) for the rest, so most users post once and the heaviest poster grows with the sample.
Likes are lognormal, ``log(likes + 1) ~ 3.9 + topic shift + 1.1 e + 1.5 N(0,1)``, plus an exponential
boost (mean 2.5) for 2% "viral" posts; collects, comments and shares are noisy power laws of likes
(log-correlations about 0.6-0.8).

Planted retention signal
------------------------
A cohort user is *retained* (gets 1-3 posts dated in February 2025) with probability
``sigmoid(logit)``::

    logit = RETENTION_INTERCEPT                      (-4.0)
            + TOPIC_RETENTION[topic]                 learn_chinese +2.0, daily_life +1.6, pets +0.4,
                                                     travel +0.2, food 0.0, ecommerce -0.5,
                                                     memes -1.6, tiktok_ban -1.9
            + RETENTION_ENGAGEMENT * z               (1.2) z = (mean January log(likes + 1) - 3.9) / 1.9
            + RETENTION_POSTS * log(n January posts) (0.8)

so retention is learnable from January behaviour and January text only: the topic shows in the words
and hashtags, engagement in the counts. About 6-7% of January users are retained, whatever the size
(measured on the data: users with a ``M/D/YYYY`` January post who also have one in February). An
oracle logistic regression on the user's January log-count sums, January post count and true topic
reaches a cross-validated ROC-AUC of about 0.85; since 20% of posts are off the user's topic and
single posts are short, a text model sees the topic less clearly.

Retained users' February posts are new posts (new text, times, counts and ids, with February phrasing
such as "still here", Lantern Festival), and 15% of them also post in early March. A few non-retained
cohort users (0.4%) and the ``march_only`` users post in March; ``feb_only`` users post only in
February. :func:`generate_crawl_with_truth` also returns the per-user truth (topic, engagement,
probability, retained flag) for tests and oracle checks; the pipeline must never read it.

Post-level noise
----------------
About 1% of times are in other formats (``2025-01-14 12:08:33``, ``2025/1/14 12:08``, ``01-14``),
0.3% are broken (``昨天 18:20``, ``3天前``, empty, ``not a date``); 1% of count cells are empty and a
few are censored (``10+``, ``1千+``; ``10万+`` is how the site prints 100,000 or more); 17% of titles,
2% of contents and 9% of labels are empty; 0.5% of rows are exact duplicates (the crawler fetching a
post twice). Rows are in random (crawl) order. All names, ids, tokens and URLs are random; none belongs to a real person.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from rednote.schema import KAGGLE_COLUMNS

COLUMNS = KAGGLE_COLUMNS

TOPICS = (
    "learn_chinese",
    "daily_life",
    "food",
    "travel",
    "pets",
    "tiktok_ban",
    "memes",
    "ecommerce",
)
TOPIC_SHARE = np.array([0.13, 0.16, 0.10, 0.09, 0.10, 0.17, 0.19, 0.06])
#: Additive effect of the user's latent topic on the retention logit.
TOPIC_RETENTION = np.array([2.0, 1.6, 0.0, 0.2, 0.4, -1.9, -1.6, -0.5])
#: Shift of log(likes + 1) by the post's topic (memes and pets travel further).
TOPIC_LIKES = np.array([-0.1, 0.0, 0.1, 0.0, 0.3, 0.2, 0.4, -0.5])
RETENTION_INTERCEPT = -4.0
RETENTION_ENGAGEMENT = 1.2
RETENTION_POSTS = 0.8
LIKE_MU = 3.9
LIKE_SD = 1.9
#: Share of posts that go viral, and the mean of their exponential boost to log(likes + 1).
VIRAL_SHARE = 0.02
VIRAL_BOOST = 2.5

KIND_NAMES = ("cohort", "feb_only", "march_only")
KIND_SHARE = np.array([0.975, 0.02, 0.005])
ON_TOPIC = 0.8
MULTI_POSTER_SHARE = 0.065
TAIL_ALPHA = 1.8
DUPLICATE_SHARE = 0.005

# Local (Beijing) wall-clock minutes are counted from 2025-01-01 00:00; ids use the UTC epoch.
_EPOCH_2025_BEIJING = 1735689600 - 8 * 3600
_DAY = 1440
_DAYS = [dt.date(2025, 1, 1) + dt.timedelta(days=i) for i in range(80)]
_MONTH_OF = np.array([d.month for d in _DAYS])
_DOM_OF = np.array([d.day for d in _DAYS])
#: Relative posting activity by local hour (late evening in China, and Chinese morning = US evening).
_HOUR_WEIGHTS = np.array([5, 4, 3, 2, 1, 1, 1, 2, 4, 6, 7, 7, 8, 7, 6, 6, 6, 7, 8, 9, 10, 11, 10, 8], dtype=float)

_B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_HEX = "0123456789abcdef"
_BASE32 = "0123456789abcdefghijklmnopqrstuv"

# --------------------------------------------------------------------------------------------
# Word pools (all invented for this file).
# --------------------------------------------------------------------------------------------

_EMOJI = ["😂", "🙏", "❤️", "🇺🇸", "🇨🇳", "😭", "🥹", "🤝", "✨", "🔥", "👋", "😅", "🫡", "💕", "🤣", "😊", "🥰", "👀"]

# Slot groups: each group is drawn once per post; a group of tuples fills several aligned slots.
_SLOT_GROUPS: list[tuple[tuple[str, ...], list]] = [
    (
        ("place", "place_zh"),
        [
            ("Ohio", "俄亥俄"),
            ("Texas", "德州"),
            ("California", "加州"),
            ("New York", "纽约"),
            ("Chicago", "芝加哥"),
            ("Florida", "佛罗里达"),
            ("Seattle", "西雅图"),
            ("Michigan", "密歇根"),
            ("Arizona", "亚利桑那"),
            ("Atlanta", "亚特兰大"),
            ("Denver", "丹佛"),
            ("Nashville", "纳什维尔"),
            ("Minnesota", "明尼苏达"),
            ("New Jersey", "新泽西"),
            ("Kentucky", "肯塔基"),
            ("Oregon", "俄勒冈"),
            ("Alabama", "阿拉巴马"),
            ("Boston", "波士顿"),
            ("Las Vegas", "拉斯维加斯"),
            ("Iowa", "爱荷华"),
        ],
    ),
    (
        ("cncity", "cncity_zh"),
        [
            ("Shanghai", "上海"),
            ("Beijing", "北京"),
            ("Chengdu", "成都"),
            ("Chongqing", "重庆"),
            ("Guangzhou", "广州"),
            ("Shenzhen", "深圳"),
            ("Xi'an", "西安"),
            ("Hangzhou", "杭州"),
            ("Harbin", "哈尔滨"),
            ("Guilin", "桂林"),
            ("Suzhou", "苏州"),
            ("Changsha", "长沙"),
        ],
    ),
    (("cncity2",), ["Shanghai", "Beijing", "Chengdu", "Chongqing", "Xi'an", "Hangzhou", "Guilin", "Zhangjiajie"]),
    (
        ("food_en", "food_zh"),
        [
            ("hotpot", "火锅"),
            ("dumplings", "饺子"),
            ("mapo tofu", "麻婆豆腐"),
            ("beef noodles", "牛肉面"),
            ("scallion pancakes", "葱油饼"),
            ("xiaolongbao", "小笼包"),
            ("kung pao chicken", "宫保鸡丁"),
            ("tomato and egg stir fry", "番茄炒蛋"),
            ("hand-pulled noodles", "拉面"),
            ("spicy crayfish", "麻辣小龙虾"),
            ("malatang", "麻辣烫"),
            ("jianbing", "煎饼果子"),
        ],
    ),
    (
        ("food_us",),
        [
            "biscuits and gravy",
            "mac and cheese",
            "a Thanksgiving plate",
            "BBQ ribs",
            "a chili dog",
            "grits with butter",
            "meatloaf",
            "a PB&J sandwich",
            "a Philly cheesesteak",
            "green bean casserole",
        ],
    ),
    (
        ("pet",),
        ["Mochi", "Biscuit", "Luna", "Tofu", "Pepper", "Oliver", "Nugget", "Bao", "Peanut", "Milo", "Cleo", "Dumpling"],
    ),
    (
        ("animal", "animal_zh"),
        [
            ("cat", "猫"),
            ("orange cat", "橘猫"),
            ("dog", "狗狗"),
            ("corgi", "柯基"),
            ("husky", "哈士奇"),
            ("bunny", "兔子"),
            ("golden retriever", "金毛"),
            ("tabby cat", "狸花猫"),
        ],
    ),
    (
        ("job",),
        [
            "nurse",
            "teacher",
            "truck driver",
            "mom of three",
            "college student",
            "software engineer",
            "barista",
            "veteran",
            "farmer",
            "hairdresser",
            "retired mailman",
            "warehouse worker",
        ],
    ),
    (
        ("word_en", "word_zh", "word_py"),
        [
            ("hello", "你好", "nǐ hǎo"),
            ("thank you", "谢谢", "xiè xie"),
            ("cat", "猫", "māo"),
            ("delicious", "好吃", "hǎo chī"),
            ("friend", "朋友", "péng you"),
            ("I love you", "我爱你", "wǒ ài nǐ"),
            ("rice", "米饭", "mǐ fàn"),
            ("beautiful", "漂亮", "piào liang"),
            ("spicy", "辣", "là"),
            ("goodbye", "再见", "zài jiàn"),
            ("teacher", "老师", "lǎo shī"),
            ("happy", "开心", "kāi xīn"),
            ("water", "水", "shuǐ"),
            ("sleepy", "困", "kùn"),
            ("China", "中国", "zhōng guó"),
        ],
    ),
    (
        ("product", "product_zh"),
        [
            ("phone cases", "手机壳"),
            ("LED lights", "氛围灯"),
            ("loose-leaf tea", "茶叶"),
            ("skincare", "护肤品"),
            ("hair clips", "发夹"),
            ("hanfu", "汉服"),
            ("handmade candles", "手工蜡烛"),
            ("crochet plushies", "钩针玩偶"),
        ],
    ),
    (
        ("day", "day_zh"),
        [
            ("Monday", "周一"),
            ("Tuesday", "周二"),
            ("Wednesday", "周三"),
            ("Thursday", "周四"),
            ("Friday", "周五"),
            ("Saturday", "周六"),
            ("Sunday", "周日"),
        ],
    ),
    (("hello",), ["你好", "谢谢", "大家好", "你好朋友们", "加油", "太好吃了", "好可爱", "欢迎", "谢谢大家"]),
    (("n",), [str(i) for i in range(2, 31)]),
    (("n2",), [str(i) for i in range(1, 6)]),
    (("hsk",), ["1", "2", "3", "4"]),
    (("price",), [str(i) for i in range(45, 265, 5)]),
    (("rent",), [str(i) for i in range(900, 2700, 50)]),
]

_TITLES: dict[str, tuple[list[str], list[str]]] = {
    "learn_chinese": (
        [
            "Learning Chinese day {n} {emo}",
            "How do you say {word_en} in Chinese?",
            "My first Chinese characters ✍️",
            "Pinyin is harder than I thought 😭",
            "Help me with my tones please 🙏",
            "HSK {hsk} here I come {emo}",
        ],
        ["美国人学中文第{n}天", "{word_zh}怎么读？", "教美国朋友说中文{emo}", "语言交换找搭子"],
    ),
    "daily_life": (
        [
            "A day in my life in {place} {emo}",
            "My grocery haul 🛒",
            "Normal American {day} {emo}",
            "What ${price} of groceries looks like",
            "House tour from {place}",
        ],
        ["美国日常｜{day_zh}", "在美国的普通一天", "美国超市物价真实记录", "我的生活记录{emo}"],
    ),
    "food": (
        [
            "First time eating {food_en} {emo}",
            "Rate my {food_en} 1-10",
            "American food vs Chinese food",
            "Hotpot changed my life 🔥",
            "What I ate today in {place}",
        ],
        ["美国人第一次吃{food_zh}", "{food_zh}yyds{emo}", "中美美食大对比", "今天吃什么"],
    ),
    "travel": (
        [
            "Planning my first trip to China {emo}",
            "{cncity} or {cncity2}?",
            "China travel tips please 🙏",
            "Dream trip: {cncity} {emo}",
            "Saving for a trip to China ✈️",
        ],
        ["想去中国旅游", "{cncity_zh}旅行攻略", "外国人来中国必去", "citywalk{cncity_zh}{emo}"],
    ),
    "pets": (
        ["Cat tax 🐱", "Meet {pet} {emo}", "Pet tax paid {emo}", "My {animal} says hi", "{pet} the {animal}"],
        ["交猫税", "我家{animal_zh}{emo}", "萌宠日常", "中美猫猫大会师"],
    ),
    "tiktok_ban": (
        [
            "TikTok ban explained",
            "Goodbye TikTok {emo}",
            "Supreme Court said yes to the ban 😤",
            "Why I left before the ban",
            "Congress did this {emo}",
        ],
        ["TikTok被封禁", "美国网友集体出走{emo}", "禁令倒计时", "关于封禁的看法"],
    ),
    "memes": (
        [
            "My new Chinese spy {emo}",
            "POV: TikTok refugee 😂",
            "Hi Chinese spy 👋",
            "Meme dump {emo}",
            "This app is unhinged 🤣",
        ],
        ["笑死，美国网友太有梗了", "中国间谍上岗了", "今日梗图{emo}", "沙雕日常"],
    ),
    "ecommerce": (
        [
            "Small business on RedNote {emo}",
            "Can I sell {product} here?",
            "Cross-border shipping tips",
            "Factory prices 🛍️",
        ],
        ["跨境电商新机会", "美国流量怎么变现", "{product_zh}货源", "搞钱思路{emo}"],
    ),
}
_GENERIC_TITLES = (
    ["TikTok refugee here {emo}", "Hello RedNote {emo}", "New here from {place} 👋"],
    ["小红书你好{emo}", "来自{place_zh}的问候", "新人报到{emo}"],
)

_BODIES: dict[str, tuple[list[str], list[str]]] = {
    "learn_chinese": (
        [
            "Today's word: {word_en} = {word_zh} ({word_py}). Did I say it right? {emo}",
            "Day {n} of learning Chinese on RedNote. The tones are destroying me but I'm not giving up {emo}",
            "Can someone explain the difference between 的, 得 and 地? My textbook is not helping 😭",
            "I practice my pinyin every night after work. {word_py} means {word_en}, right? {emo}",
            "Looking for a language exchange partner! I help with English, you help me with 中文 {emo}",
            "Just passed my first HSK {hsk} mock test!! Thank you to everyone who corrected my characters {emo}",
            "My Chinese tutor says my {word_zh} sounds like a {animal} saying it 😂 still trying",
            "Writing {word_zh} {n} times in my notebook until my hand hurts ✍️",
            "Duolingo could never. I learned more Mandarin in one week here than in a year with the owl {emo}",
        ],
        [
            "今天学会了一个新词：{word_zh}（{word_py}），意思是{word_en} {emo}",
            "中文好难啊，声调太难了，但我会继续加油的{emo}",
            "有没有中国朋友愿意和我语言交换？我教你英语，你教我中文{emo}",
            "美国朋友问我{word_zh}怎么读，我教了他{n}遍哈哈{emo}",
            "准备考HSK{hsk}级，大家有什么学习方法推荐吗{emo}",
        ],
    ),
    "daily_life": (
        [
            "Just a normal {day} in {place}: school run, work, then {food_us} for dinner {emo}",
            "My grocery haul from Walmart cost ${price}. How much would this be in China? {emo}",
            "Showing you my little house in {place} since you all asked {emo}",
            "Morning routine as a {job} in {place}: coffee, traffic, more coffee ☕",
            "My kids asked why I'm on a Chinese app now and I said to make friends {emo}",
            "Rent here is ${rent} a month for a one bedroom. Is that normal where you live?",
            "Weekend vlog: cleaned the garage, walked the {animal}, cooked {food_us} {emo}",
            "Snow day in {place} ❄️ everything is closed so here's my living room",
        ],
        [
            "记录一下在{place_zh}的普通一天{emo}",
            "美国超市买了一周的菜，花了{price}美元{emo}",
            "带大家看看我在美国的家{emo}",
            "下班回家给孩子做了{food_zh}，平凡的日常{emo}",
            "今天{place_zh}下雪了，在家躺平{emo}",
        ],
    ),
    "food": (
        [
            "Tried {food_zh} for the first time and my life changed {emo}",
            "Made {food_en} following a recipe from this app. Chinese friends, rate it 1-10 {emo}",
            "Hotpot night with friends in {place}! The spicy broth almost killed me 🔥",
            "You asked what Americans actually eat, so here is {food_us} {emo}",
            "Why is Chinese breakfast so much better than cereal? 包子 and 豆浆 forever {emo}",
            "Found a tiny {cncity} style restaurant in {place} and the {food_en} is unreal {emo}",
            "Rate my homemade dumplings, I folded {n} of them and only {n2} exploded 😂",
        ],
        [
            "第一次给美国朋友做{food_zh}，他们说太好吃了{emo}",
            "在{place_zh}找到一家正宗的{food_zh}，好吃哭了{emo}",
            "美国人眼中的中国菜vs真正的中国菜{emo}",
            "今天做了{food_zh}，评论区告诉我哪里不对{emo}",
            "火锅真的是世界上最好吃的东西{emo}",
        ],
    ),
    "travel": (
        [
            "I've wanted to visit {cncity} for years and now I'm actually planning it {emo}",
            "Is a 10-day trip enough for {cncity} and {cncity2}? First time in China {emo}",
            "The videos of {cncity} on here look like the future. Saving up for a trip {emo}",
            "Visa-free transit, 144 hours... can someone explain how it works for Americans? 🙏",
            "Booked my flight to {cncity}!! Tell me what I must eat and see {emo}",
            "Everything I thought I knew about China was wrong. {cncity} looks amazing {emo}",
        ],
        [
            "美国朋友想来{cncity_zh}旅游，大家推荐什么地方{emo}",
            "欢迎来中国玩！{cncity_zh}的夜景真的很美{emo}",
            "外国人来中国旅游攻略，144小时过境免签{emo}",
            "带你看看真实的{cncity_zh}{emo}",
        ],
    ),
    "pets": (
        [
            "Paying my cat tax: this is {pet}, she rules the house {emo}🐱",
            "{pet} says 你好 to all the Chinese cats {emo}",
            "Here is my {animal} {pet} as requested. Pet tax paid in full 🐾",
            "My {animal} knocked my phone off the table while I was scrolling RedNote 😂",
            "Introducing {pet}, {n2} years old, professional napper {emo}",
            "Heard there is a pet tax here so here's {pet} in a tiny hat {emo}",
        ],
        [
            "我家{animal_zh}{pet}向美国朋友问好{emo}",
            "交猫税啦！这是我家的小{animal_zh}{emo}",
            "美国网友也开始晒猫了，太可爱了{emo}",
            "{pet}今天又拆家了{emo}",
        ],
    ),
    "tiktok_ban": (
        [
            "The Supreme Court really let them ban TikTok. So here we are {emo}",
            "Congress thought banning TikTok would send us back to Instagram. Wrong {emo}",
            "This is what happens when politicians try to control what we watch 🇺🇸",
            "The ban is supposed to start {day} and I refuse to go back to Reels {emo}",
            "Protecting us from China by banning an app while my data is sold everywhere anyway 🙄",
            "Free speech matters. If they ban this too, I'll find the next app {emo}",
            "Congress spent {n} hours on TikTok and zero on healthcare 🙃",
        ],
        [
            "美国要封禁TikTok了，美国网友集体来小红书{emo}",
            "最高法院支持TikTok禁令，美国人怎么看？{emo}",
            "国会以为封了TikTok大家会回Instagram{emo}",
            "TikTok禁令到底是怎么回事？{emo}",
        ],
    ),
    "memes": (
        [
            "Hello to my Chinese spy, I'm paying my cat tax so you don't report me {emo}",
            "My FBI agent is crying because I left him for a Chinese spy 😂",
            "Me opening RedNote with zero Chinese knowledge: 🧍 {emo}",
            "Americans discovering 1.4 billion people were never in a meme war with us 🤣",
            "POV: you learned the word {word_zh} and now you think you're fluent {emo}",
            "Nobody: Americans on RedNote: 你好 你好 你好 {emo}",
            "Plot twist: the Chinese spy gives better life advice than my therapist 😂",
        ],
        [
            "美国网友太好笑了，主动交猫税{emo}",
            "中国间谍：我终于有工作了{emo}",
            "今日份梗图，笑死我了{emo}",
            "美国人来小红书的第一天be like{emo}",
        ],
    ),
    "ecommerce": (
        [
            "Selling {product} from my small shop in {place}, can I ship to China? {emo}",
            "Small business owner here. Is anyone buying {product} on RedNote? 🛍️",
            "I source {product} from Yiwu, ask me anything about cross-border shipping {emo}",
            "Flooded with new followers, so how do I open a store on this app? {emo}",
            "It's cheaper to buy {product} straight from the factory, here is my price list",
        ],
        [
            "美国用户涌入，跨境电商的新商机来了{emo}",
            "做外贸的朋友注意了，{product_zh}在美国很好卖{emo}",
            "流量红利期，教你怎么搞钱{emo}",
            "副业分享：{product_zh}一个月赚了{n}千{emo}",
            "工厂直发{product_zh}，欢迎美国朋友咨询{emo}",
        ],
    ),
}

#: Openers by month of posting (index 0 January, 1 February, 2 March).
_OPENERS: list[tuple[list[str], list[str]]] = [
    (
        [
            "Hi RedNote! New here from {place} {emo}",
            "Day {n2} on RedNote and I already love it {emo}",
            "Just downloaded this app because of the TikTok ban {emo}",
            "TikTok refugee checking in from {place} 👋",
            "你好 everyone! I'm a {job} from {place}",
            "First post, please be nice {emo}",
        ],
        [
            "大家好，我是刚来的新人{emo}",
            "第一次发帖，请多关照{emo}",
            "欢迎美国朋友们来到小红书{emo}",
            "刚下载小红书，{hello}！",
        ],
    ),
    (
        [
            "It's been {n2} weeks on RedNote and I'm still here {emo}",
            "TikTok came back but I'm staying right here {emo}",
            "Happy Lantern Festival! 元宵节快乐 {emo}",
            "Still posting, thank you all for keeping me company {emo}",
            "新年快乐! Year of the Snake 🐍 from {place}",
            "One month since the migration and I'm not leaving",
        ],
        [
            "来小红书一个月了，还在坚持更新{emo}",
            "TikTok回来了但我还是留在小红书{emo}",
            "元宵节快乐！{emo}",
            "蛇年快乐🐍 继续记录生活",
        ],
    ),
    (
        ["Still here in March {emo}", "Two months on RedNote already {emo}", "Spring update from {place} 🌸"],
        ["三月了，继续更新{emo}", "来小红书两个月了{emo}", "春天来了🌸"],
    ),
]
_CLOSERS = (
    [
        "Thank you for the warm welcome {emo}",
        "Follow me for more {emo}",
        "Let me know in the comments!",
        "Love from {place} {emo}🇺🇸",
        "谢谢大家 {emo}",
        "Be nice to me please 🙏",
        "Any tips? {emo}{emo2}",
        "{hello}! 🇺🇸🤝🇨🇳",
    ],
    ["谢谢大家的关注{emo}", "评论区见{emo}", "有问题可以问我哦{emo}", "爱你们❤️", "欢迎交流{emo}{emo2}"],
)

_REFUGEE_TAGS = ["tiktokrefugee", "TikTokRefugee", "tiktok refugee", "tiktok难民"]
_REFUGEE_TAG_P = np.array([0.5, 0.2, 0.15, 0.15])
_EXTRA_TAGS = ["小红书", "rednote", "美国人在小红书", "xiaohongshu", "中美友好", "newhere"]
_TOPIC_TAGS = {
    "learn_chinese": [
        "学中文",
        "learnchinese",
        "中文学习",
        "pinyin",
        "HSK",
        "汉语",
        "chineselessons",
        "languageexchange",
    ],
    "daily_life": ["日常", "美国生活", "dailylife", "vlog", "生活记录", "我的生活", "在美国的日常", "familylife"],
    "food": ["美食", "火锅", "food", "中国美食", "美式食物", "cooking", "做饭", "foodie"],
    "travel": ["旅行", "想去中国旅游", "travel", "chinatravel", "中国旅游", "citywalk", "visachina", "旅游攻略"],
    "pets": ["猫税", "cattax", "萌宠", "我的猫", "狗狗", "宠物日常", "pettax", "catsofrednote"],
    "tiktok_ban": ["tiktokban", "封禁", "美国政治", "supremecourt", "freespeech", "国会", "bantiktok", "congress"],
    "memes": ["meme", "梗", "搞笑", "funny", "中国间谍", "chinesespy", "沙雕日常", "lol"],
    "ecommerce": ["跨境电商", "商机", "搞钱", "副业", "business", "外贸", "电商", "smallbusiness"],
}

_EN_FIRST = [
    "Sarah",
    "Mike",
    "Jess",
    "Tyler",
    "Ashley",
    "Brandon",
    "Kayla",
    "Jordan",
    "Megan",
    "Chris",
    "Brittany",
    "Dustin",
    "Amber",
    "Cody",
    "Hannah",
    "Marcus",
    "Destiny",
    "Kevin",
    "Olivia",
    "Derek",
    "Taylor",
    "Jamal",
    "Emily",
    "Ryan",
    "Courtney",
    "Logan",
    "Maria",
    "Austin",
    "Rachel",
    "Travis",
    "Nicole",
    "Caleb",
]
_EN_LAST = [
    "Miller",
    "Smith",
    "Jones",
    "Brown",
    "Davis",
    "Wilson",
    "Moore",
    "Clark",
    "Lewis",
    "Walker",
    "Hall",
    "Young",
    "King",
    "Wright",
    "Hill",
    "Green",
    "Baker",
    "Nelson",
    "Carter",
    "Reed",
]
_EN_PLACE = [
    "Ohio",
    "Texas",
    "Florida",
    "Kansas",
    "Jersey",
    "the Midwest",
    "Georgia",
    "Seattle",
    "Chicago",
    "Vegas",
    "Alabama",
    "Denver",
    "Michigan",
    "Tulsa",
    "Phoenix",
    "Maine",
]
_EN_ABBR = ["LA", "NYC", "TX", "OH", "ATL", "CHI", "FL", "NJ", "SF", "PHX", "KY", "MN"]
_EN_ADJ = ["Sleepy", "Happy", "Cozy", "Lucky", "Spicy", "Tiny", "Salty", "Sunny", "Grumpy", "Chill", "Wild", "Lazy"]
_EN_NOUN = [
    "Otter",
    "Panda",
    "Noodle",
    "Cowboy",
    "Muffin",
    "Raccoon",
    "Dumpling",
    "Possum",
    "Cactus",
    "Pickle",
    "Moose",
    "Taco",
]
_FLAGS = ["🇺🇸", "🇨🇦", "🇬🇧", "✨", "🌻", "🦋"]
_ZH_FOOD = ["火锅", "螺蛳粉", "烧烤", "奶茶", "饺子", "小龙虾", "榴莲", "草莓", "米线", "煎饼"]
_ZH_ANIMAL = ["猫", "小狗", "兔子", "熊猫", "橘猫", "仓鼠", "企鹅", "柴犬"]
_ZH_ADJ = ["快乐", "安静", "努力", "迷糊", "认真", "慢吞吞", "爱笑", "佛系"]
_ZH_NOUN = ["小鱼", "星星", "月亮", "打工人", "吃货", "饭团", "西瓜", "云朵"]
_ZH_CITY = ["上海", "北京", "成都", "杭州", "深圳", "长沙", "西安", "重庆"]

_IP_EN = [
    "美国",
    "加拿大",
    "英国",
    "澳大利亚",
    "德国",
    "菲律宾",
    "新西兰",
    "马来西亚",
    "日本",
    "法国",
    "墨西哥",
    "爱尔兰",
]
_IP_EN_P = np.array([70, 8, 6, 4, 2, 2, 1, 2, 1, 1, 2, 1], dtype=float)
_IP_ZH = [
    "广东",
    "上海",
    "北京",
    "浙江",
    "江苏",
    "四川",
    "美国",
    "湖北",
    "山东",
    "福建",
    "重庆",
    "湖南",
    "河南",
    "陕西",
    "加拿大",
]
_IP_ZH_P = np.array([15, 12, 12, 10, 8, 7, 10, 4, 5, 4, 4, 3, 3, 3, 2], dtype=float)


# --------------------------------------------------------------------------------------------
# Small vectorised helpers.
# --------------------------------------------------------------------------------------------


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _random_strings(rng: np.random.Generator, n: int, length: int, alphabet: str) -> np.ndarray:
    """``n`` random strings of ``length`` characters of an ASCII ``alphabet`` (numpy unicode array)."""
    codes = np.frombuffer(alphabet.encode("ascii"), dtype=np.uint8)
    picked = codes[rng.integers(0, len(codes), size=(n, length))]
    return np.ascontiguousarray(picked).view(f"S{length}").ravel().astype(f"U{length}")


def _pick(rng: np.random.Generator, pool: Sequence[str], n: int, p: np.ndarray | None = None) -> np.ndarray:
    arr = np.array(pool, dtype=object)
    if p is None:
        return arr[rng.integers(0, len(arr), size=n)]
    return arr[rng.choice(len(arr), size=n, p=p / p.sum())]


def _minutes_to_parts(minutes: np.ndarray) -> tuple[np.ndarray, ...]:
    """Local minutes since 2025-01-01 00:00 -> (month, day, hour, minute)."""
    day = minutes // _DAY
    rest = minutes % _DAY
    return _MONTH_OF[day], _DOM_OF[day], rest // 60, rest % 60


def _format_counts(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Print counts the way the site does: ``37``, ``1.2万``, ``3万``, ``10万+``, sometimes ``10+``/``1千+``/""."""
    n = len(values)
    out = values.astype(str).astype(object)
    wan = (values >= 10_000) & (values < 100_000)
    tenths = (values[wan] + 500) // 1000  # tenths of 万
    out[wan] = [f"{t // 10}万" if t % 10 == 0 else f"{t // 10}.{t % 10}万" for t in tenths.tolist()]
    out[values >= 100_000] = "10万+"
    u = rng.random(n)
    out[(values >= 1000) & (values < 10_000) & (u < 0.04)] = "1千+"
    out[(values >= 10) & (values < 100) & (u < 0.012)] = "10+"
    out[rng.random(n) < 0.01] = ""
    return out


def _user_names(rng: np.random.Generator, lang_en: np.ndarray) -> list[str]:
    n = len(lang_en)
    pattern = rng.integers(0, 8, size=n)
    r = rng.integers(0, 1 << 30, size=(n, 4)).tolist()
    hex6 = _random_strings(rng, n, 6, "0123456789ABCDEF").tolist()
    names = []
    for i in range(n):
        a, b, c, d = r[i]
        p = pattern[i]
        if lang_en[i]:
            first = _EN_FIRST[a % len(_EN_FIRST)]
            last = _EN_LAST[b % len(_EN_LAST)]
            if p == 0:
                name = f"{first} in {_EN_PLACE[c % len(_EN_PLACE)]}"
            elif p == 1:
                name = f"{first.lower()}_from{_EN_ABBR[c % len(_EN_ABBR)]}"
            elif p == 2:
                name = f"{first} {last}"
            elif p == 3:
                name = f"{first.lower()}{last.lower()}{d % 100}"
            elif p == 4:
                name = f"{_EN_ADJ[b % len(_EN_ADJ)]}{_EN_NOUN[c % len(_EN_NOUN)]}{d % 1000}"
            elif p == 5:
                name = f"{first} {_FLAGS[c % len(_FLAGS)]}"
            elif p == 6:
                name = f"{first.lower()}.{last.lower()}"
            else:
                name = f"小红薯{hex6[i]}"
        else:
            if p <= 2:
                name = f"小红薯{hex6[i]}"
            elif p == 3:
                name = f"爱吃{_ZH_FOOD[a % len(_ZH_FOOD)]}的{_ZH_ANIMAL[b % len(_ZH_ANIMAL)]}"
            elif p == 4:
                name = f"{_ZH_ADJ[a % len(_ZH_ADJ)]}的{_ZH_NOUN[b % len(_ZH_NOUN)]}{'' if d % 2 else d % 1000}"
            elif p == 5:
                name = f"{_ZH_ANIMAL[a % len(_ZH_ANIMAL)]}{d % 10000}"
            elif p == 6:
                name = f"{_ZH_CITY[a % len(_ZH_CITY)]}的{_ZH_NOUN[b % len(_ZH_NOUN)]}"
            else:
                name = f"{_ZH_NOUN[a % len(_ZH_NOUN)]}{_ZH_ADJ[b % len(_ZH_ADJ)]}{d % 100}"
        names.append(name)
    return names


def _unique_ids(rng: np.random.Generator, stamps: np.ndarray) -> np.ndarray:
    """24-hex ObjectId-like ids: 8 hex of a unix timestamp, 16 random hex; redrawn until unique."""
    n = len(stamps)
    tails = _random_strings(rng, n, 16, _HEX).astype(object)
    heads = np.array([f"{s:08x}" for s in stamps.tolist()], dtype=object)
    ids = heads + tails
    while True:
        dup = pd.Series(ids).duplicated().to_numpy()
        if not dup.any():
            return ids
        ids[dup] = heads[dup] + _random_strings(rng, int(dup.sum()), 16, _HEX).astype(object)


class _Slots:
    """A mapping for ``str.format_map`` that reads slot ``key`` of the current row ``i``.

    ``{emo}``/``{emo2}`` shift with the line number so that one post does not repeat one emoji.
    """

    __slots__ = ("cols", "emo", "i", "line")

    def __init__(self, cols: dict[str, list[str]], emo: list[int]) -> None:
        self.cols = cols
        self.emo = emo
        self.i = 0
        self.line = 0

    def __getitem__(self, key: str) -> str:
        if key == "emo":
            return _EMOJI[(self.emo[self.i] + 5 * self.line) % len(_EMOJI)]
        if key == "emo2":
            return _EMOJI[(self.emo[self.i] + 5 * self.line + 2) % len(_EMOJI)]
        return self.cols[key][self.i]


def _texts(
    rng: np.random.Generator, topic: np.ndarray, english: np.ndarray, month: np.ndarray
) -> tuple[list[str], list[str], list[str]]:
    """Titles, contents and labels for posts with the given topic index, language flag and month (0-2)."""
    n = len(topic)
    cols: dict[str, list[str]] = {}
    for keys, pool in _SLOT_GROUPS:
        idx = rng.integers(0, len(pool), size=n)
        if len(keys) == 1:
            cols[keys[0]] = np.array(pool, dtype=object)[idx].tolist()
        else:
            for j, key in enumerate(keys):
                cols[key] = np.array([t[j] for t in pool], dtype=object)[idx].tolist()
    slots = _Slots(cols, rng.integers(0, len(_EMOJI), size=n).tolist())

    # Per-post language: mostly the user's, sometimes the other one.
    en = np.where(english, rng.random(n) < 0.85, rng.random(n) < 0.2)
    pick = rng.integers(0, 1 << 30, size=(n, 6)).tolist()
    u = rng.random((n, 6))
    has_title = u[:, 0] >= 0.17
    generic_title = u[:, 1] < 0.1
    has_opener = u[:, 2] < 0.4
    has_second = u[:, 3] < 0.45
    has_closer = u[:, 4] < 0.55
    has_content = u[:, 5] >= 0.02
    tags_in_content = rng.random(n) < 0.9
    has_label = rng.random(n) >= 0.09

    # Hashtags: generic refugee tag (95%), 1-3 distinct topic tags, sometimes an extra generic one.
    refugee = np.where(rng.random(n) < 0.95, rng.choice(len(_REFUGEE_TAGS), size=n, p=_REFUGEE_TAG_P), -1)
    n_topic_tags = rng.choice([1, 2, 3], size=n, p=[0.45, 0.4, 0.15])
    tag_order = np.argsort(rng.random((n, 8)), axis=1).tolist()
    extra = np.where(rng.random(n) < 0.3, rng.integers(0, len(_EXTRA_TAGS), size=n), -1)
    refugee_first = rng.random(n) < 0.7

    topic_l = topic.tolist()
    en_l = en.tolist()
    month_l = month.tolist()
    refugee_l = refugee.tolist()
    extra_l = extra.tolist()
    ntt_l = n_topic_tags.tolist()
    titles: list[str] = []
    contents: list[str] = []
    labels: list[str] = []
    for i in range(n):
        slots.i = i
        t = TOPICS[topic_l[i]]
        lang = 0 if en_l[i] else 1
        p = pick[i]
        if has_title[i]:
            pool = _GENERIC_TITLES[lang] if generic_title[i] else _TITLES[t][lang]
            titles.append(pool[p[0] % len(pool)].format_map(slots))
        else:
            titles.append("")

        pool_tags = _TOPIC_TAGS[t]
        tags = [pool_tags[k] for k in tag_order[i][: ntt_l[i]]]
        if refugee_l[i] >= 0:
            tag = _REFUGEE_TAGS[refugee_l[i]]
            tags = [tag, *tags] if refugee_first[i] else [*tags, tag]
        if extra_l[i] >= 0:
            tags.append(_EXTRA_TAGS[extra_l[i]])
        labels.append("#".join(tags) if has_label[i] else "")

        if not has_content[i]:
            contents.append("")
            continue
        lines = []
        if has_opener[i]:
            pool = _OPENERS[month_l[i]][lang]
            lines.append(pool[p[1] % len(pool)])
        bodies = _BODIES[t][lang]
        first = p[2] % len(bodies)
        lines.append(bodies[first])
        if has_second[i]:
            second = (first + 1 + p[3] % (len(bodies) - 1)) % len(bodies)
            lines.append(bodies[second])
        if has_closer[i]:
            pool = _CLOSERS[lang]
            lines.append(pool[p[4] % len(pool)])
        for j, line in enumerate(lines):
            slots.line = j + 1
            lines[j] = line.format_map(slots)
        slots.line = 0
        text = "\n".join(lines)
        if tags_in_content[i]:
            text += "\n" + " ".join(f"#{tag}[话题]#" for tag in tags)
        contents.append(text)
    return titles, contents, labels


# --------------------------------------------------------------------------------------------
# The generator.
# --------------------------------------------------------------------------------------------


def _log_likes(rng: np.random.Generator, post_topic: np.ndarray, engagement: np.ndarray) -> np.ndarray:
    n = len(post_topic)
    viral = np.where(rng.random(n) < VIRAL_SHARE, rng.exponential(VIRAL_BOOST, size=n), 0.0)
    return LIKE_MU + TOPIC_LIKES[post_topic] + 1.1 * engagement + 1.5 * rng.standard_normal(n) + viral


def _post_topics(rng: np.random.Generator, user_topic: np.ndarray) -> np.ndarray:
    n = len(user_topic)
    return np.where(rng.random(n) < ON_TOPIC, user_topic, rng.integers(0, len(TOPICS), size=n))


def intercept_for_share(logit_rest: np.ndarray, share: float) -> float:
    """The intercept ``b`` with ``mean(sigmoid(b + logit_rest)) == share`` (bisection; ``0 < share < 1``).

    ``logit_rest``: every cohort user's retention logit without the intercept. The expected share of
    retained users is increasing in ``b``, so the root is unique.
    """
    if not 0 < share < 1:
        raise ValueError(f"retained_share={share} must lie strictly between 0 and 1")
    if len(logit_rest) == 0:
        return RETENTION_INTERCEPT
    low, high = -40.0, 40.0
    for _ in range(100):
        mid = (low + high) / 2
        if _sigmoid(mid + logit_rest).mean() < share:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def generate_crawl_with_truth(
    n_posts: int = 4117, seed: int = 2025, retained_share: float | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The fake crawl export and the per-user latent truth behind it.

    ``retained_share``: None keeps :data:`RETENTION_INTERCEPT` (about 6-7% of January users retained,
    the bundled sample); a share such as 0.006 (the real crawl: about 20 of 3,249) replaces the
    intercept by the one whose expected retained share over the candidate cohort users is that share
    (:func:`intercept_for_share`), leaving every other coefficient and random draw as they are.

    Returns ``(posts, users)``: ``posts`` has :data:`COLUMNS` as strings (empty cells ""), one row per
    post (plus ~0.5% exact duplicate rows) in random order; ``users`` has one row per user who has at
    least one post, with ``user_id, kind, topic, english, engagement, retention_prob, retained,
    n_jan_posts, n_feb_posts, n_mar_posts`` (``retention_prob``/``retained`` are NaN/False outside the
    January cohort; ``retained`` is the planted draw, while the counts are of the generated posts, whatever
    format their dates were printed in, so the one user trimmed to hit ``n_posts`` may be retained with no
    February post).
    """
    if n_posts < 1:
        raise ValueError("n_posts must be at least 1")
    rng = np.random.default_rng(seed)
    n_dup = int(round(n_posts * DUPLICATE_SHARE)) if n_posts >= 100 else 0
    n_base = n_posts - n_dup

    # --- a pool of candidate users (each has >= 1 post, so n_base users always suffice) ---
    pool = n_base
    kind = rng.choice(len(KIND_NAMES), size=pool, p=KIND_SHARE)
    topic = rng.choice(len(TOPICS), size=pool, p=TOPIC_SHARE)
    engagement = rng.standard_normal(pool)
    english = rng.random(pool) < 0.78
    cohort = kind == 0
    # January posts: one for most users; a Pareto tail (2, 3, ... up to 200) for a few heavy posters.
    tail = 1 + np.minimum(np.floor(rng.random(pool) ** (-1 / TAIL_ALPHA)), 199).astype(np.int64)
    k_jan = np.where(cohort, np.where(rng.random(pool) < MULTI_POSTER_SHARE, tail, 1), 0)

    # January posts of the whole pool (users in pool order), with their likes.
    jan_user = np.repeat(np.arange(pool), k_jan)
    jan_topic = _post_topics(rng, topic[jan_user])
    jan_loglike = _log_likes(rng, jan_topic, engagement[jan_user])
    jan_likes = np.maximum(np.round(np.exp(jan_loglike)) - 1, 0).astype(np.int64)

    # --- the planted retention model ---
    mean_log = np.zeros(pool)
    np.add.at(mean_log, jan_user, np.log1p(jan_likes))
    mean_log = np.divide(mean_log, k_jan, out=np.zeros(pool), where=k_jan > 0)
    z = (mean_log - LIKE_MU) / LIKE_SD
    log_posts = np.log(np.maximum(k_jan, 1))
    intercept = RETENTION_INTERCEPT
    if retained_share is not None:
        rest = TOPIC_RETENTION[topic] + RETENTION_ENGAGEMENT * z + RETENTION_POSTS * log_posts
        intercept = intercept_for_share(rest[cohort], retained_share)
    # Summed in this order so that the default reproduces the bundled sample's bytes.
    logit = intercept + TOPIC_RETENTION[topic] + RETENTION_ENGAGEMENT * z + RETENTION_POSTS * log_posts
    prob = np.where(cohort, _sigmoid(logit), np.nan)
    retained = cohort & (rng.random(pool) < np.nan_to_num(prob))
    k_feb = np.where(retained, rng.choice([1, 2, 3], size=pool, p=[0.55, 0.3, 0.15]), 0)
    k_feb = np.where(kind == 1, 1 + (rng.random(pool) < 0.2), k_feb)
    k_mar = np.where(retained, rng.random(pool) < 0.15, 0).astype(np.int64)
    k_mar = np.where(cohort & ~retained, rng.random(pool) < 0.004, k_mar).astype(np.int64)
    k_mar = np.where(kind == 2, 1, k_mar)

    # --- take users in pool order until the posts fill n_base; trim the last one from the end ---
    k_jan_pool = k_jan
    total = k_jan + k_feb + k_mar
    cum = np.cumsum(total)
    last = int(np.searchsorted(cum, n_base))
    n_users = last + 1
    excess = int(cum[last] - n_base)
    k_jan, k_feb, k_mar = k_jan[:n_users].copy(), k_feb[:n_users].copy(), k_mar[:n_users].copy()
    for arr in (k_mar, k_feb, k_jan):
        cut = min(excess, int(arr[last]))
        arr[last] -= cut
        excess -= cut
    kind, topic, engagement, english = kind[:n_users], topic[:n_users], engagement[:n_users], english[:n_users]
    prob, retained = prob[:n_users], retained[:n_users]

    # January posts kept: within-user rank below the (possibly trimmed) count.
    keep = jan_user < n_users
    jan_user, jan_topic, jan_likes = jan_user[keep], jan_topic[keep], jan_likes[keep]
    starts = np.concatenate([[0], np.cumsum(k_jan_pool[:n_users])[:-1]])
    rank = np.arange(len(jan_user)) - starts[jan_user]
    keep = rank < k_jan[jan_user]
    jan_user, jan_topic, jan_likes = jan_user[keep], jan_topic[keep], jan_likes[keep]

    later_user = np.concatenate([np.repeat(np.arange(n_users), k_feb), np.repeat(np.arange(n_users), k_mar)])
    later_month = np.concatenate([np.ones(int(k_feb.sum()), dtype=np.int64), np.full(int(k_mar.sum()), 2)])
    later_topic = _post_topics(rng, topic[later_user])
    later_likes = np.maximum(np.round(np.exp(_log_likes(rng, later_topic, engagement[later_user]))) - 1, 0)

    user = np.concatenate([jan_user, later_user])
    month = np.concatenate([np.zeros(len(jan_user), dtype=np.int64), later_month])
    post_topic = np.concatenate([jan_topic, later_topic])
    likes = np.concatenate([jan_likes, later_likes.astype(np.int64)])
    n = len(user)
    assert n == n_base, (n, n_base)

    # --- times (local Beijing minutes since 2025-01-01 00:00) ---
    day = np.empty(n, dtype=np.int64)
    jan = month == 0
    peak = 15.5 + 3.2 * rng.standard_normal(n)
    flat = rng.random(n) * 31
    jan_day = np.where(rng.random(n) < 0.75, peak, flat)
    jan_day = np.where((jan_day < 0) | (jan_day >= 31), flat, jan_day)
    day[jan] = np.floor(jan_day[jan]).astype(np.int64)
    feb = month == 1
    day[feb] = 31 + (np.floor(rng.exponential(9.0, size=n)) % 28).astype(np.int64)[feb]
    mar = month == 2
    day[mar] = 59 + rng.integers(0, 8, size=n)[mar]
    hour = rng.choice(24, size=n, p=_HOUR_WEIGHTS / _HOUR_WEIGHTS.sum())
    minutes = day * _DAY + hour * 60 + rng.integers(0, 60, size=n)
    seconds = rng.integers(0, 60, size=n)
    mo, dom, hh, mi = _minutes_to_parts(minutes)
    form = rng.random(n)
    alt = rng.integers(0, 3, size=n)
    broken = rng.integers(0, 4, size=n)
    days_ago = rng.integers(2, 8, size=n)
    times = []
    for m_, d_, h_, i_, s_, f_, a_, b_, g_ in zip(
        mo.tolist(),
        dom.tolist(),
        hh.tolist(),
        mi.tolist(),
        seconds.tolist(),
        form.tolist(),
        alt.tolist(),
        broken.tolist(),
        days_ago.tolist(),
    ):
        if f_ >= 0.013:
            times.append(f"{m_}/{d_}/2025 {h_}:{i_:02d}")
        elif f_ >= 0.003:
            if a_ == 0:
                times.append(f"2025-{m_:02d}-{d_:02d} {h_:02d}:{i_:02d}:{s_:02d}")
            elif a_ == 1:
                times.append(f"2025/{m_}/{d_} {h_:02d}:{i_:02d}")
            else:
                times.append(f"{m_:02d}-{d_:02d}")
        else:
            times.append((f"昨天 {h_}:{i_:02d}", f"{g_}天前", "", "not a date")[b_])
    post_stamp = _EPOCH_2025_BEIJING + minutes * 60 + seconds

    # --- counts: likes and noisy power laws of likes, then printed as the site prints them ---
    log_l = np.log1p(likes)
    collects = np.maximum(np.round(np.exp(-1.0 + 0.95 * log_l + 1.1 * rng.standard_normal(n))) - 1, 0).astype(np.int64)
    comments = np.maximum(np.round(np.exp(-1.6 + 0.85 * log_l + 1.2 * rng.standard_normal(n))) - 1, 0).astype(np.int64)
    shares = np.maximum(np.round(np.exp(-2.0 + 0.9 * log_l + 1.3 * rng.standard_normal(n))) - 1, 0).astype(np.int64)

    # --- users: ids, names, IP regions ---
    first_stamp = np.full(n_users, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_stamp, user, post_stamp)
    new_account = np.where(english, rng.random(n_users) < 0.9, rng.random(n_users) < 0.15)
    created = np.where(
        new_account,
        first_stamp - rng.integers(600, 3 * 86400, size=n_users),
        rng.integers(1451606400, 1733011200, size=n_users),
    )
    user_ids = _unique_ids(rng, created)
    names = np.array(_user_names(rng, english), dtype=object)
    ip = np.where(english, _pick(rng, _IP_EN, n_users, _IP_EN_P), _pick(rng, _IP_ZH, n_users, _IP_ZH_P))

    # --- per-post strings ---
    titles, contents, labels = _texts(rng, post_topic, english[user], month)
    tokens = _random_strings(rng, n, 40, _B64URL).astype(object)
    uid = user_ids[user]
    address = "https://www.xiaohongshu.com/user/profile/" + uid + "?xsec_token=AB" + tokens + "=&xsec_source=pc_note"
    fetched = np.minimum(minutes + rng.integers(30, 2 * _DAY, size=n), 79 * _DAY)
    f_mo, f_dom, f_hh, f_mi = _minutes_to_parts(fetched)
    stamps = np.array(
        [f"2025{a:02d}{b:02d}{c:02d}{d:02d}" for a, b, c, d in zip(*(x.tolist() for x in (f_mo, f_dom, f_hh, f_mi)))],
        dtype=object,
    )
    hex32 = _random_strings(rng, n, 32, _HEX).astype(object)
    paths = _random_strings(rng, n, 35, _BASE32).astype(object)
    spectrum = np.where(rng.random(n) < 0.2, "spectrum/1040g", "1040g").astype(object)
    image = "https://sns-webpic-qc.xhscdn.com/" + stamps + "/" + hex32 + "/" + spectrum + paths + "!nd_dft_wlteh_webp_3"
    ip_post = ip[user].copy()
    ip_post[rng.random(n) < 0.01] = ""

    posts = pd.DataFrame(
        {
            "title": titles,
            "content": contents,
            "address": address,
            "label": labels,
            "user_name": names[user],
            "user_id": uid,
            "like_count": _format_counts(likes, rng),
            "collect_count": _format_counts(collects, rng),
            "comment_count": _format_counts(comments, rng),
            "share_count": _format_counts(shares, rng),
            "create_time": times,
            "post_id": _unique_ids(rng, post_stamp),
            "ip_localtion": ip_post,
            "image": image,
            "type": np.where(rng.random(n) < 0.7, "normal", "video").astype(object),
        },
        columns=list(COLUMNS),
    )
    if n_dup:
        posts = pd.concat([posts, posts.iloc[rng.choice(n, size=n_dup, replace=False)]], ignore_index=True)
    posts = posts.iloc[rng.permutation(len(posts))].reset_index(drop=True)
    posts = posts.astype(object)

    users = pd.DataFrame(
        {
            "user_id": user_ids,
            "kind": np.array(KIND_NAMES, dtype=object)[kind],
            "topic": np.array(TOPICS, dtype=object)[topic],
            "english": english,
            "engagement": engagement,
            "retention_prob": prob,
            "retained": retained,
            "n_jan_posts": k_jan,
            "n_feb_posts": k_feb,
            "n_mar_posts": k_mar,
        }
    )
    users = users[(k_jan + k_feb + k_mar) > 0].reset_index(drop=True)
    return posts, users


def generate_crawl(n_posts: int = 4117, seed: int = 2025, retained_share: float | None = None) -> pd.DataFrame:
    """The fake crawl export only: :data:`COLUMNS`, all strings, empty cells as ""."""
    return generate_crawl_with_truth(n_posts=n_posts, seed=seed, retained_share=retained_share)[0]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m rednote.sample",
        description="Write a deterministic synthetic RedNote crawl export (same columns as tt_refugee.csv).",
    )
    parser.add_argument("--posts", type=int, default=4117, help="number of rows (default 4117)")
    parser.add_argument("--seed", type=int, default=2025, help="random seed (default 2025)")
    parser.add_argument(
        "--retained-share",
        type=float,
        default=None,
        help="expected share of January users retained, e.g. 0.006 like the real crawl (default: the sample's ~6.7%%)",
    )
    parser.add_argument("--out", type=Path, default=Path("data/sample/tt_refugee_sample.csv"), help="CSV to write")
    args = parser.parse_args(argv)
    if args.posts < 1:
        parser.error("--posts must be at least 1")
    if args.retained_share is not None and not 0 < args.retained_share < 1:
        parser.error("--retained-share must lie strictly between 0 and 1")
    frame = generate_crawl(n_posts=args.posts, seed=args.seed, retained_share=args.retained_share)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(args.out, index=False, encoding="utf-8", lineterminator="\n")
    print(f"wrote {len(frame)} posts to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
