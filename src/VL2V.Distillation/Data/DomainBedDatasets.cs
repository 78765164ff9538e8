namespace VL2V.Distillation.Data;

/// <summary>The five DomainBed benchmarks that VL2V evaluates on.</summary>
/// <remarks>
/// Domain folders and their order, class folders, <c>N_STEPS</c> and <c>CHECKPOINT_FREQ</c> follow DomainBed's
/// <c>datasets.py</c> (class folders: the folders its <c>download.py</c> creates). Data folders follow the official
/// VL2V scripts (<c>PACS/</c>, <c>VLCS/</c>, <c>office_home/</c>, <c>terra_incognita/</c>, <c>domain_net/</c>).
/// Pass a descriptor as <see cref="ImageFolderOptions.Expected"/> to check a local copy against it.
/// </remarks>
public static class DomainBedDatasets
{
    /// <summary>PACS: 4 domains, 7 classes, ≈9,991 images.</summary>
    public static DatasetDescriptor Pacs { get; } = new("PACS", "PACS",
        ["art_painting", "cartoon", "photo", "sketch"],
        ["dog", "elephant", "giraffe", "guitar", "horse", "house", "person"],
        Steps: 5001, CheckpointFrequency: 200);

    /// <summary>VLCS: 4 domains, 5 classes, ≈10,729 images.</summary>
    public static DatasetDescriptor Vlcs { get; } = new("VLCS", "VLCS",
        ["Caltech101", "LabelMe", "SUN09", "VOC2007"],
        ["bird", "car", "chair", "dog", "person"],
        Steps: 5001, CheckpointFrequency: 200);

    /// <summary>OfficeHome: 4 domains, 65 classes, ≈15,588 images.</summary>
    public static DatasetDescriptor OfficeHome { get; } = new("OfficeHome", "office_home",
        ["Art", "Clipart", "Product", "Real World"],
        [
            "Alarm_Clock", "Backpack", "Batteries", "Bed", "Bike", "Bottle", "Bucket", "Calculator", "Calendar",
            "Candles", "Chair", "Clipboards", "Computer", "Couch", "Curtains", "Desk_Lamp", "Drill", "Eraser",
            "Exit_Sign", "Fan", "File_Cabinet", "Flipflops", "Flowers", "Folder", "Fork", "Glasses", "Hammer",
            "Helmet", "Kettle", "Keyboard", "Knives", "Lamp_Shade", "Laptop", "Marker", "Monitor", "Mop", "Mouse",
            "Mug", "Notebook", "Oven", "Pan", "Paper_Clip", "Pen", "Pencil", "Postit_Notes", "Printer", "Push_Pin",
            "Radio", "Refrigerator", "Ruler", "Scissors", "Screwdriver", "Shelf", "Sink", "Sneakers", "Soda",
            "Speaker", "Spoon", "TV", "Table", "Telephone", "ToothBrush", "Toys", "Trash_Can", "Webcam",
        ],
        Steps: 5001, CheckpointFrequency: 200);

    /// <summary>TerraIncognita: 4 camera-trap locations, 10 classes, ≈24,788 images.</summary>
    public static DatasetDescriptor TerraIncognita { get; } = new("TerraIncognita", "terra_incognita",
        ["location_100", "location_38", "location_43", "location_46"],
        ["bird", "bobcat", "cat", "coyote", "dog", "empty", "opossum", "rabbit", "raccoon", "squirrel"],
        Steps: 5001, CheckpointFrequency: 200);

    /// <summary>DomainNet: 6 domains, 345 classes, ≈586k images.</summary>
    public static DatasetDescriptor DomainNet { get; } = new("DomainNet", "domain_net",
        ["clipart", "infograph", "painting", "quickdraw", "real", "sketch"],
        [
            "The_Eiffel_Tower", "The_Great_Wall_of_China", "The_Mona_Lisa", "aircraft_carrier", "airplane",
            "alarm_clock", "ambulance", "angel", "animal_migration", "ant", "anvil", "apple", "arm", "asparagus", "axe",
            "backpack", "banana", "bandage", "barn", "baseball", "baseball_bat", "basket", "basketball", "bat",
            "bathtub", "beach", "bear", "beard", "bed", "bee", "belt", "bench", "bicycle", "binoculars", "bird",
            "birthday_cake", "blackberry", "blueberry", "book", "boomerang", "bottlecap", "bowtie", "bracelet", "brain",
            "bread", "bridge", "broccoli", "broom", "bucket", "bulldozer", "bus", "bush", "butterfly", "cactus", "cake",
            "calculator", "calendar", "camel", "camera", "camouflage", "campfire", "candle", "cannon", "canoe", "car",
            "carrot", "castle", "cat", "ceiling_fan", "cell_phone", "cello", "chair", "chandelier", "church", "circle",
            "clarinet", "clock", "cloud", "coffee_cup", "compass", "computer", "cookie", "cooler", "couch", "cow",
            "crab", "crayon", "crocodile", "crown", "cruise_ship", "cup", "diamond", "dishwasher", "diving_board", "dog",
            "dolphin", "donut", "door", "dragon", "dresser", "drill", "drums", "duck", "dumbbell", "ear", "elbow",
            "elephant", "envelope", "eraser", "eye", "eyeglasses", "face", "fan", "feather", "fence", "finger",
            "fire_hydrant", "fireplace", "firetruck", "fish", "flamingo", "flashlight", "flip_flops", "floor_lamp",
            "flower", "flying_saucer", "foot", "fork", "frog", "frying_pan", "garden", "garden_hose", "giraffe",
            "goatee", "golf_club", "grapes", "grass", "guitar", "hamburger", "hammer", "hand", "harp", "hat",
            "headphones", "hedgehog", "helicopter", "helmet", "hexagon", "hockey_puck", "hockey_stick", "horse",
            "hospital", "hot_air_balloon", "hot_dog", "hot_tub", "hourglass", "house", "house_plant", "hurricane",
            "ice_cream", "jacket", "jail", "kangaroo", "key", "keyboard", "knee", "knife", "ladder", "lantern", "laptop",
            "leaf", "leg", "light_bulb", "lighter", "lighthouse", "lightning", "line", "lion", "lipstick", "lobster",
            "lollipop", "mailbox", "map", "marker", "matches", "megaphone", "mermaid", "microphone", "microwave",
            "monkey", "moon", "mosquito", "motorbike", "mountain", "mouse", "moustache", "mouth", "mug", "mushroom",
            "nail", "necklace", "nose", "ocean", "octagon", "octopus", "onion", "oven", "owl", "paint_can", "paintbrush",
            "palm_tree", "panda", "pants", "paper_clip", "parachute", "parrot", "passport", "peanut", "pear", "peas",
            "pencil", "penguin", "piano", "pickup_truck", "picture_frame", "pig", "pillow", "pineapple", "pizza",
            "pliers", "police_car", "pond", "pool", "popsicle", "postcard", "potato", "power_outlet", "purse", "rabbit",
            "raccoon", "radio", "rain", "rainbow", "rake", "remote_control", "rhinoceros", "rifle", "river",
            "roller_coaster", "rollerskates", "sailboat", "sandwich", "saw", "saxophone", "school_bus", "scissors",
            "scorpion", "screwdriver", "sea_turtle", "see_saw", "shark", "sheep", "shoe", "shorts", "shovel", "sink",
            "skateboard", "skull", "skyscraper", "sleeping_bag", "smiley_face", "snail", "snake", "snorkel", "snowflake",
            "snowman", "soccer_ball", "sock", "speedboat", "spider", "spoon", "spreadsheet", "square", "squiggle",
            "squirrel", "stairs", "star", "steak", "stereo", "stethoscope", "stitches", "stop_sign", "stove",
            "strawberry", "streetlight", "string_bean", "submarine", "suitcase", "sun", "swan", "sweater", "swing_set",
            "sword", "syringe", "t-shirt", "table", "teapot", "teddy-bear", "telephone", "television", "tennis_racquet",
            "tent", "tiger", "toaster", "toe", "toilet", "tooth", "toothbrush", "toothpaste", "tornado", "tractor",
            "traffic_light", "train", "tree", "triangle", "trombone", "truck", "trumpet", "umbrella", "underwear", "van",
            "vase", "violin", "washing_machine", "watermelon", "waterslide", "whale", "wheel", "windmill", "wine_bottle",
            "wine_glass", "wristwatch", "yoga", "zebra", "zigzag",        ],
        Steps: 15001, CheckpointFrequency: 1000);

    /// <summary>All five benchmarks in the official VL2V scripts' dataset order (OfficeHome, PACS, VLCS, TerraIncognita, DomainNet).</summary>
    public static IReadOnlyList<DatasetDescriptor> All { get; } = [OfficeHome, Pacs, Vlcs, TerraIncognita, DomainNet];

    /// <summary>Finds a benchmark by its DomainBed name or folder name, ignoring case.</summary>
    /// <param name="name">E.g. <c>PACS</c>, <c>OfficeHome</c> or <c>office_home</c>.</param>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the known names.</exception>
    public static DatasetDescriptor Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase)
                || string.Equals(d.FolderName, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException(
                $"Unknown DomainBed dataset '{name}'. Known datasets: {string.Join(", ", All.Select(d => d.Name))}.", nameof(name));
    }
}
