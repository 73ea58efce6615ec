{
  "targets": [
    {
      "target_name": "lstm_native",
      "sources": ["lstm.cc"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-trapping-math", "-fno-math-errno"],
      "cflags_cc!": ["-fno-exceptions"],
      "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O3", "-std=c++17"] }
    }
  ]
}
