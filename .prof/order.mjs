import ExcelJS from 'exceljs';
import unzip from 'unzipper';
const counts = {};
for (let i = 0; i < 100; i++) {
  const book = new ExcelJS.Workbook();
  const s = book.addWorksheet('订单');
  s.addRow(['a','b']); s.addRow(['1','2']);
  const buf = Buffer.from(await book.xlsx.writeBuffer());
  const d = await unzip.Open.buffer(buf);
  const order = d.files.map(f=>f.path).join(',');
  counts[order]=(counts[order]??0)+1;
}
console.log(counts);
