-- Test fixture for tests/test_config.c: only its existence matters here.
return function(customer, params)
  return "C"
end
