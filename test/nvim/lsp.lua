-- Headless Neovim (0.7.2: vim.lsp.start_client, no vim.lsp.start) against `node dist/cli.js lsp --stdio`.
-- Env: IOMMU_LENS_CLI (dist/cli.js), IOMMU_LENS_ROOT (workspace root), IOMMU_LENS_OUT (result file).
-- Writes lines: DIAG <file> <line> <code> <source> (every published diagnostic), BUFFER <count in the
-- board's buffer>, HOVER <text or nil> (in sdm845.dtsi), CONTEXT <board> <reason>, DONE.
local out = {}
local buf = vim.api.nvim_get_current_buf()
local published = false
local id = vim.lsp.start_client({
  name = 'iommu-lens',
  cmd = { 'node', os.getenv('IOMMU_LENS_CLI'), 'lsp', '--stdio' },
  root_dir = os.getenv('IOMMU_LENS_ROOT'),
  handlers = {
    ['textDocument/publishDiagnostics'] = function(err, res, ctx, cfg)
      if res.uri == vim.uri_from_bufnr(buf) then published = true end
      for _, d in ipairs(res.diagnostics) do
        table.insert(out, ('DIAG %s %d %s %s'):format(vim.fn.fnamemodify(vim.uri_to_fname(res.uri), ':t'), d.range.start.line, tostring(d.code), tostring(d.source)))
      end
      vim.lsp.diagnostic.on_publish_diagnostics(err, res, ctx, cfg)
    end,
  },
})
vim.lsp.buf_attach_client(buf, id)
local ok = vim.wait(60000, function() return published end, 50)
if not ok then table.insert(out, 'TIMEOUT diagnostics') end
table.insert(out, ('BUFFER %d'):format(#vim.diagnostic.get(buf)))
-- The board has no `iommus` of its own: open the SoC .dtsi it includes (analysed in the board's
-- context) and hover the first `iommus = <` there.
vim.o.hidden = true
vim.cmd('edit ' .. vim.fn.fnameescape(vim.fn.fnamemodify(vim.api.nvim_buf_get_name(buf), ':h') .. '/sdm845.dtsi'))
local dtsi = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(dtsi, id)
local lines = vim.api.nvim_buf_get_lines(dtsi, 0, -1, false)
local hl, hc = nil, nil
for i, l in ipairs(lines) do
  local c = l:find('iommus = <', 1, true)
  if c then hl, hc = i - 1, c + 1; break end
end
if hl then
  local r = vim.lsp.buf_request_sync(dtsi, 'textDocument/hover', { textDocument = { uri = vim.uri_from_bufnr(dtsi) }, position = { line = hl, character = hc } }, 20000)
  local text = 'nil'
  if r == nil then text = 'ERROR timeout' end
  for _, x in pairs(r or {}) do
    if x.err then text = 'ERROR ' .. vim.inspect(x.err)
    elseif x.result and x.result.contents then text = (x.result.contents.value or vim.inspect(x.result.contents)):gsub('\n', '\\n') end
  end
  table.insert(out, 'HOVER ' .. text)
else
  table.insert(out, 'HOVER no-iommus-line')
end
local ctx = vim.lsp.buf_request_sync(dtsi, 'iommuLens/buildContexts', { textDocument = { uri = vim.uri_from_bufnr(dtsi) } }, 20000)
for _, x in pairs(ctx or {}) do
  if x.result and x.result.current then table.insert(out, 'CONTEXT ' .. vim.fn.fnamemodify(vim.uri_to_fname(x.result.current), ':t') .. ' ' .. x.result.reason) end
end
table.insert(out, 'DONE')
local f = io.open(os.getenv('IOMMU_LENS_OUT'), 'w')
f:write(table.concat(out, '\n') .. '\n')
f:close()
vim.lsp.stop_client(id)
vim.cmd('qa!')
