// The supervision dashboard's charts (ECharts); data from the page's JSON, no inline script (CSP).
document.addEventListener("DOMContentLoaded", function () {
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const drill = document.getElementById("chart-drill").dataset.drill;
  const colours = {green: "#3a9d5d", yellow: "#e0a800", red: "#c0392b", suspended: "#7f8c8d"};
  const pie = echarts.init(document.getElementById("chart-lights"));
  pie.setOption({
    tooltip: {trigger: "item"},
    series: [{type: "pie", radius: ["40%", "70%"], stillShowZeroSum: false,
      data: data.lights.map(d => ({name: d.name, value: d.value, light: d.light,
                                   itemStyle: {color: colours[d.light]}}))}]
  });
  pie.on("click", p => { location.href = drill + "?light=" + p.data.light; });
  const bar = echarts.init(document.getElementById("chart-units"));
  bar.setOption({
    tooltip: {trigger: "axis"}, legend: {data: ["黄灯", "红灯"]},
    xAxis: {type: "category", data: data.units, axisLabel: {rotate: 40}}, yAxis: {type: "value"},
    series: [{name: "黄灯", type: "bar", stack: "a", data: data.yellow, itemStyle: {color: colours.yellow}},
             {name: "红灯", type: "bar", stack: "a", data: data.red, itemStyle: {color: colours.red}}]
  });
  bar.on("click", p => {
    location.href = drill + "?unit=" + data.unit_ids[p.dataIndex] + "&light=" + (p.seriesName === "红灯" ? "red" : "yellow");
  });
  const line = echarts.init(document.getElementById("chart-trend"));
  line.setOption({
    tooltip: {trigger: "axis"}, xAxis: {type: "category", data: data.days}, yAxis: {type: "value"},
    series: [{name: "收件", type: "line", smooth: true, data: data.received}]
  });
  window.addEventListener("resize", () => { pie.resize(); bar.resize(); line.resize(); });
});
