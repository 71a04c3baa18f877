"""The invented word pools of the synthetic crawl (rednote.synthetic.sample): titles, bodies, tags, names, IP regions.

Data, not logic: the generator draws from these tables. Every word is invented for the sample; the
pipeline never reads this module (nothing it learns may come from the generator's vocabulary).
"""

from __future__ import annotations

import numpy as np

EMOJI = ["😂", "🙏", "❤️", "🇺🇸", "🇨🇳", "😭", "🥹", "🤝", "✨", "🔥", "👋", "😅", "🫡", "💕", "🤣", "😊", "🥰", "👀"]

# Slot groups: each group is drawn once per post; a group of tuples fills several aligned slots.
SLOT_GROUPS: list[tuple[tuple[str, ...], list]] = [
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

TITLES: dict[str, tuple[list[str], list[str]]] = {
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
GENERIC_TITLES = (
    ["TikTok refugee here {emo}", "Hello RedNote {emo}", "New here from {place} 👋"],
    ["小红书你好{emo}", "来自{place_zh}的问候", "新人报到{emo}"],
)

BODIES: dict[str, tuple[list[str], list[str]]] = {
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
OPENERS: list[tuple[list[str], list[str]]] = [
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
CLOSERS = (
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

REFUGEE_TAGS = ["tiktokrefugee", "TikTokRefugee", "tiktok refugee", "tiktok难民"]
REFUGEE_TAG_P = np.array([0.5, 0.2, 0.15, 0.15])
EXTRA_TAGS = ["小红书", "rednote", "美国人在小红书", "xiaohongshu", "中美友好", "newhere"]
TOPIC_TAGS = {
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

EN_FIRST = [
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
EN_LAST = [
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
EN_PLACE = [
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
EN_ABBR = ["LA", "NYC", "TX", "OH", "ATL", "CHI", "FL", "NJ", "SF", "PHX", "KY", "MN"]
EN_ADJ = ["Sleepy", "Happy", "Cozy", "Lucky", "Spicy", "Tiny", "Salty", "Sunny", "Grumpy", "Chill", "Wild", "Lazy"]
EN_NOUN = [
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
FLAGS = ["🇺🇸", "🇨🇦", "🇬🇧", "✨", "🌻", "🦋"]
ZH_FOOD = ["火锅", "螺蛳粉", "烧烤", "奶茶", "饺子", "小龙虾", "榴莲", "草莓", "米线", "煎饼"]
ZH_ANIMAL = ["猫", "小狗", "兔子", "熊猫", "橘猫", "仓鼠", "企鹅", "柴犬"]
ZH_ADJ = ["快乐", "安静", "努力", "迷糊", "认真", "慢吞吞", "爱笑", "佛系"]
ZH_NOUN = ["小鱼", "星星", "月亮", "打工人", "吃货", "饭团", "西瓜", "云朵"]
ZH_CITY = ["上海", "北京", "成都", "杭州", "深圳", "长沙", "西安", "重庆"]

IP_EN = [
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
IP_EN_P = np.array([70, 8, 6, 4, 2, 2, 1, 2, 1, 1, 2, 1], dtype=float)
IP_ZH = [
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
IP_ZH_P = np.array([15, 12, 12, 10, 8, 7, 10, 4, 5, 4, 4, 3, 3, 3, 2], dtype=float)

#: Display-name forms, indexed by a random pattern 0-7, filled by ``rednote.synthetic.sample._name_fields``.
EN_NAME_FORMS = (
    "{first} in {place}",
    "{first_lower}_from{abbr}",
    "{first} {last}",
    "{first_lower}{last_lower}{d100}",
    "{adj}{noun}{d1000}",
    "{first} {flag}",
    "{first_lower}.{last_lower}",
    "小红薯{hex6}",
)
ZH_NAME_FORMS = (
    "小红薯{hex6}",
    "小红薯{hex6}",
    "小红薯{hex6}",
    "爱吃{food_a}的{animal_b}",
    "{zh_adj_a}的{zh_noun_b}{d1000_if_even}",
    "{animal_a}{d10000}",
    "{city_a}的{zh_noun_b}",
    "{zh_noun_a}{zh_adj_b}{d100}",
)
