# 窗口和命令行共用的词。
# 术语（与乐鑫中文文档一致）：
#   flash（动词）= 烧录；firmware = 固件；download mode = 下载模式；
#   board = 板子（量词“块”）；chip = 芯片；file = 文件；partition = 分区；
#   flash map = 烧录地址图；PASS = 通过；FAIL = 失败；production log = 生产记录；
#   station = 工位；slot = 槽位；profile = 生产配置；per-board data = 每板数据；
#   row（数据表的一行）= 行；unit = 单元编号；RESET button = RESET 键；BOOT button = BOOT 键；
#   USB hub = USB 集线器；cable = 数据线；driver = 驱动；erase = 擦除；write = 写入。
# 中文里不用复数：{ $count } 块板子。

language = 语言

# 窗口无法启动（系统对话框或标准错误输出）。
start-failed-title = DFU Station 无法启动
start-failed = DFU Station 无法启动：{ $error }
# Windows 启动器无法启动主程序（$app：程序文件名；$error：系统的原话）。
start-app-failed = DFU Station 无法启动 { $app }：{ $error }
start-window-failed = 无法打开窗口：{ $errors }
start-renderer-failed = dfu-station：{ $renderer } 渲染器无法打开窗口：{ $error }

# 大小：整数不带小数，否则一位小数（i18n::size）。
size-bytes = { $count } 字节
size-kib = { $size } KiB
size-mib = { $size } MiB

# 无法列出系统字体：改用内置的中文字体。
fonts-system-failed = dfu-station：无法列出系统字体，窗口改用自带字体。
