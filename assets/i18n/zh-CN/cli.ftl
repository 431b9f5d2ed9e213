# 命令行：对人说的话（不含 --help、JSON 和失败代码）。
# 路径、芯片名、代码、十六进制数和命令作为变量原样传入。

## 文件

# $what：路径和系统给出的原因。
cli-cannot-read = 无法读取 { $what }
# 跟在命令名后面（“pack: ...”）。
cli-cannot-read-after-command = 无法读取 { $what }
cli-cannot-write = 无法写入 { $path }：{ $error }
cli-cannot-write-manual = 无法写出手册页：{ $error }
cli-exists-already = { $path } 已存在：如要替换，请加上 --force
cli-not-a-file = { $path } 不是文件
cli-report-written = 支持报告已写入 { $path }
cli-no-window-in-this-build = 此版本没有窗口（构建时未启用 cargo 特性 `gui`）。请使用下面的命令，或构建带窗口的版本：`cargo build --release`（默认特性）。
# 拒绝应用程序镜像或 ELF 文件后：用它生成 dfu.bin 的命令。
cli-make-dfu-bin-with = 用它生成 dfu.bin：{ $command }

## info：文件会把什么写到哪里

cli-file-invalid = { $path }：无效（{ $code }）
# $kind：esp 或 dfu；$id：十六进制的 VID:PID。
cli-file-valid-for-chip = { $path }：有效的 { $kind } 镜像，适用于 { $chip } [{ $id }]
cli-file-valid-for-any-esp-chip = { $path }：有效的 { $kind } 镜像，适用于任意 ESP 芯片 [{ $id }]
cli-file-valid-for-any-device = { $path }：有效的 { $kind } 镜像，适用于通用 DFU 设备 [{ $id }]
# 标签补齐到同一显示宽度（汉字占两格），让数值对齐。
cli-file-flash-size = Flash 大小：{ $size }
cli-file-payload = 下载数据：  { $bytes } 字节，发送到设备
cli-file-sha256 = SHA-256：   { $sha256 }
cli-column-address = 地址
cli-column-size = 大小
cli-column-parts = 分段数
cli-column-name = 名称
cli-file-warnings = 警告：

## pack

cli-unknown-chip = “{ $text }”不是 DFU Station 支持的芯片（{ $known }）
cli-not-a-product-id = “{ $text }”不是十六进制的 USB 产品 ID（例如 2 或 0x0009）
cli-files-come-in-pairs = 文件须按 ADDRESS FILE 成对给出；最后一个地址后面没有文件
# $size：占用的 flash（例如 1.5 MiB）；$bytes：文件长度。
cli-packed-for-chip = 已写入 { $path }，适用于 { $chip }：{ $regions } 个区域，占用 flash { $size }，共 { $bytes } 字节
cli-packed-for-any-chip = 已写入 { $path }，适用于任意芯片：{ $regions } 个区域，占用 flash { $size }，共 { $bytes } 字节

## list --watch

cli-board-added = 已接入：{ $board }
cli-board-removed = 已移除：{ $board }

## flash

# $board：芯片和 VID:PID，例如 ESP32-S2 [303a:0002]；$path：它的 USB 端口。
cli-board-at-path = { $board }（端口 { $path }）
cli-flashed-press-reset = 已将 { $file }（{ $bytes } 字节）烧录到 { $board }。请按板子上的 RESET 键启动新固件：在此之前 ESP ROM 一直处于下载模式。
# $what：阶段，以及正在写入的部分。
cli-flash-progress = { $what }：{ $percent }%（{ $done } / { $total } 字节）

## provision

cli-not-a-size = “{ $text }”不是大小：请写成 0x6000 或 24576 这样的形式
# $size 为十六进制。
cli-nvs-written = 已写入 { $path }：{ $size } 字节的 NVS 分区镜像（格式版本 { $version }）
cli-nvs-read-only = 小于 0x3000 字节时 NVS 为只读：请在分区表中把该分区标为 readonly。
cli-values-have-no-problems = { $path }：{ $units } 个单元，没有问题
# $place：文件:行号。其后的英文冒号保留，便于编辑器跳转。
cli-values-problem = { $place }: { $message }
cli-values-problem-in-column = { $place }: 列 { $column }：{ $message }
cli-values-problems-count = { $count } 个问题

## station 和 flash --all

cli-no-profile = 没有生产配置：请用 --profile FILE 指定，或把 { $file } 放在程序旁边。
cli-station-started = 工位 { $station }：自动模式，固件 { $file }（SHA-256 { $sha256 }），记录保存在 { $folder }。请插入板子；按 Ctrl-C 停止。
# $offset 和 $size 为十六进制。
cli-board-data-to-give = 每板数据：{ $values } 写入分区“{ $partition }”，地址 { $offset }（{ $size } 字节），还剩 { $left } / { $rows } 行；行分配记录 { $journal }
cli-no-rows-left-nothing-flashed = 没有剩余的行：{ $values } 的全部 { $rows } 行都已分配给板子。未烧录任何板子。
cli-no-rows-left-line-stops = 没有剩余的行：每板数据的全部 { $rows } 行都已分配；产线停止。
cli-log-not-writable-nothing-flashed = 无法写入生产记录：{ $error }。未烧录任何板子。
cli-log-opened = 生产记录：{ $folder }
cli-no-result-tones = 无法播放结果提示音：{ $reason }
cli-board-skipped = { $path }  { $chip }  已跳过：不适用于此文件
cli-no-board-for-file = 没有连接适用于 { $file } 的板子。
cli-boards-without-result = { $count } 块板子没有结果：工位已停止。请重新烧录这些板子。
cli-profile-without-board-data = 生产配置 { $path } 没有 [provision] 部分（config、values、partition）：它不提供每板数据。
cli-ctrl-c-not-caught = 无法捕获 Ctrl-C（{ $error }）：按下 Ctrl-C 会立即结束程序。
cli-stopping = 正在停止：仍在烧录的板子会被取消并记录（再按一次 Ctrl-C 立即退出）。
# 每块板子的实时行：$board 是端口和芯片；$words 是状态（通过、失败……）。
cli-board-unit = { $board }  单元 { $unit }
cli-board-passed-in = { $board }  { $words }，用时 { $seconds } 秒
# 本班计数；$rate（每小时块数）和 $rows（剩余行数）可能为 "none"。
cli-shift = 本班：通过 { $passed }，失败 { $failed }，共 { $total }{ $rate ->
        [none] {""}
       *[other] ，每小时 { $rate } 块
    }{ $rows ->
        [none] {""}
       *[other] ，剩余 { $rows } 行
    }

## 产线数据库：带 [line] 生产配置的 station 和 flash --all，以及 `line`

cli-not-a-demo-fault = “{ $text }”不是 PATH@BLOCK 格式（例如 1-5@150）
cli-line-records-go-to = 产线：每条记录也会发送到 { $store }。
cli-line-records-wait = { $count } 条记录暂存在本地记录中，等待发送到产线数据库 { $store }：本工位下次连接该数据库启动时会发送。
# $offset 和 $size 为十六进制。
cli-line-board-data-to-give = 每板数据：{ $store } 中的单元（配置 { $config }）写入分区“{ $partition }”，地址 { $offset }（{ $size } 字节），还剩 { $left } / { $rows } 个单元
cli-line-no-units-left-nothing-flashed = 没有剩余的行：用此配置导入 { $store } 的全部 { $rows } 个单元都已分配给板子。未烧录任何板子。
cli-line-back = 产线数据库 { $store } 已恢复响应{ $waiting ->
    [0] 。
   *[other] ；其间暂存的 { $waiting } 条记录正在按先后顺序发送。
}
cli-line-schema-current = { $store }：结构版本 { $version }，已是最新。未做任何改动。
cli-line-schema-applied = { $store }：已应用结构版本 { $from } -> { $to }。
cli-line-imported = 已将 { $values } 的 { $units } 个单元导入 { $store }：此配置还剩 { $left } / { $total } 个单元。
# 产线状态；$last 可能为 "none"。
cli-line-status = 产线 { $store }：通过 { $passed }，失败 { $failed }；单元：剩余 { $left }，烧录中 { $claimed }，已烧录 { $flashed }，已作废 { $spent }；最后一条记录 { $last ->
        [none] 无
       *[other] { $last }
    }
cli-line-status-station = {"  "}{ $station }：通过 { $passed }，失败 { $failed }；单元：已烧录 { $flashed }，已作废 { $spent }，烧录中 { $claimed }；最后一条记录 { $last ->
        [none] 无
       *[other] { $last }
    }{ $minutes ->
        [none] {""}
       *[other] （{ $minutes } 分钟前）
    }
cli-line-status-silent = 超过 { $minutes } 分钟没有记录的工位：{ $stations }
